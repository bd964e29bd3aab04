"""The fixed vocabulary of the synthetic province: places, drugs, consumables, batches.

Everything here is data. The province (中州省, code 390000) is fictional — GB/T 2260
assigns no province to 39 — so that no real hospital or company is ever shown with
a planted lapse; its cities, counties and company brands are invented but follow
the real naming patterns. Drug and consumable generic names are real.

A drug line reads ``name|dosage form|class|specs|packs|yuan per minimum unit|tier``:
the class is the ATC level-4 code (5 characters) of a Western drug, or a
traditional-medicine class for a 中成药 (marked ``Z`` in the code); ``tier`` says
who uses it (see :data:`TIERS`). A consumable line reads
``name|category|class digits|specs|units per pack|yuan per unit|tier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PROVINCE_CODE = "390000"
PROVINCE_NAME = "中州省"
PROVINCE_SHORT = "中州"

CITY_NAMES = (
    "嵩原", "河阳", "清平", "安渠", "汝宁", "淮川", "宛平", "伊阳", "商岳",
    "泌川", "桐原", "洹水", "白河", "溱洧", "龙湖", "青陂", "鸿沟",
)
DISTRICT_NAMES = ("城关区", "新华区", "文峰区", "湖滨区", "解放区", "建安区", "金水区", "龙亭区")
PLACE_FIRST = "东西南北新安永长宁平清华临高太兴德丰富广仁义和顺"
PLACE_SECOND = "川原阳平安乐宁丰城山水陵台泉河沟集店营庄桥"
STREETS = ("人民路", "建设路", "解放路", "中山路", "文化路", "光明路", "和平路", "胜利路")
PRIVATE_BRANDS = ("仁爱", "博爱", "康复", "华夏", "协和", "济民", "同心", "惠仁")
PRIVATE_KINDS = ("医院", "骨科医院", "眼科医院", "妇产医院", "中西医结合医院")
PHARMACY_BRANDS = ("康济大药房", "益寿堂大药房", "惠民大药房", "福寿康大药房", "百姓康大药房")
COMPANY_PLACES = (
    ("江苏", "320100"), ("浙江", "330100"), ("山东", "370100"), ("河北", "130100"),
    ("广东", "440100"), ("四川", "510100"), ("湖北", "420100"), ("上海", "310115"),
    ("北京", "110108"), ("吉林", "220100"), ("安徽", "340100"), ("江西", "360100"),
    ("湖南", "430100"), ("重庆", "500112"), ("天津", "120116"), ("福建", "350100"),
)
COMPANY_BRANDS = (
    "康维", "泽润", "和信", "景明", "元达", "嘉禾", "同润", "普华", "安泰", "立康",
    "瑞禾", "恒济", "博新", "华元", "宏达", "天佑", "瑞丰", "兆丰", "睿康", "启明",
    "鼎泰", "弘信", "佳信", "和泽", "九和", "广济", "安和", "益康", "鑫源", "晨光",
    "海圣", "中泰", "新元", "德康", "明德", "永信", "正元", "华晟", "英泰", "远扬",
)
DRUG_MAKER_KINDS = ("制药有限公司", "药业股份有限公司", "药业有限公司", "生物制药有限公司")
DEVICE_MAKER_KINDS = ("医疗器械有限公司", "医疗科技股份有限公司", "生物材料有限公司")
DISTRIBUTOR_KINDS = ("医药有限公司", "医药物流有限公司", "医药集团有限公司")

# Institution groups: who buys what. A tier lists the groups that use a product.
GROUPS = ("tertiary", "secondary", "primary", "village", "pharmacy")
TIERS: dict[str, tuple[int, ...]] = {
    "basic": (0, 1, 2, 3, 4),  # chronic-disease and common oral drugs: everyone
    "oral": (0, 1, 2, 4),  # oral drugs not kept in village clinics
    "hosp": (0, 1, 2),  # hospital and primary-care drugs, not sold in pharmacies
    "inj": (0, 1, 2),  # injections
    "spec": (0, 1),  # specialist drugs: secondary and tertiary hospitals
    "cons": (0, 1, 2, 3),  # low-value consumables
    "otc": (0, 1, 2, 3, 4),  # masks and the like
    "hv": (0, 1),  # high-value consumables
}

# Dosage form → (4-character code in the drug code, unit word for the pack text).
FORMS: dict[str, tuple[str, str]] = {
    "片剂": ("A001", "片"), "胶囊": ("A002", "粒"), "缓释片": ("A003", "片"),
    "肠溶片": ("A004", "片"), "控释片": ("A005", "片"), "肠溶胶囊": ("A006", "粒"),
    "缓释胶囊": ("A007", "粒"), "咀嚼片": ("A009", "片"), "软胶囊": ("A010", "粒"),
    "散剂": ("A011", "袋"), "颗粒剂": ("A012", "袋"), "口服溶液": ("A013", "瓶"),
    "滴丸": ("A014", "丸"), "丸剂": ("A015", "丸"), "口服液": ("A016", "支"),
    "注射剂": ("B001", "支"), "吸入剂": ("C001", "支"), "气雾剂": ("C002", "瓶"),
    "粉雾剂": ("C003", "盒"),
}

VBP_DRUGS = """
阿托伐他汀钙片|片剂|C10AA|10mg,20mg|7,14,28|1.20|basic
苯磺酸氨氯地平片|片剂|C08CA|5mg|7,14,28|1.10|basic
盐酸二甲双胍缓释片|缓释片|A10BA|0.5g|30,60|0.60|basic
硫酸氢氯吡格雷片|片剂|B01AC|75mg|7,14,28|3.20|basic
厄贝沙坦片|片剂|C09CA|150mg|7,14,28|1.30|basic
恩替卡韦片|片剂|J05AF|0.5mg|7,14,28|4.50|spec
注射用头孢曲松钠|注射剂|J01DD|1.0g|1,10|6.00|inj
蒙脱石散|散剂|A07BC|3g|10,12|0.90|basic
瑞舒伐他汀钙片|片剂|C10AA|10mg|7,28|2.10|basic
达格列净片|片剂|A10BK|10mg|14,28,30|4.20|oral
利伐沙班片|片剂|B01AF|10mg|5,10,30|9.00|hosp
注射用泮托拉唑钠|注射剂|A02BC|40mg|1,10|12.00|inj
左乙拉西坦片|片剂|N03AX|0.5g|30,60|3.50|spec
盐酸莫西沙星片|片剂|J01MA|0.4g|3,6|6.50|oral
奥美拉唑肠溶胶囊|肠溶胶囊|A02BC|20mg|14,28|1.40|basic
注射用头孢唑林钠|注射剂|J01DB|1.0g|1,10|4.00|inj
盐酸氨溴索注射液|注射剂|R05CB|2ml:15mg|1,10|2.50|inj
复方丹参滴丸|滴丸|ZC01AA|27mg|150,180|0.25|basic
布洛芬缓释胶囊|缓释胶囊|M01AE|0.3g|20,24|0.45|basic
甲钴胺片|片剂|B03BA|0.5mg|20,50|0.80|oral
"""

OTHER_DRUGS = """
阿莫西林胶囊|胶囊|J01CA|0.25g|24,36,50|0.15|basic
头孢克肟胶囊|胶囊|J01DD|0.1g|6,12|1.20|oral
阿奇霉素片|片剂|J01FA|0.25g|6,12|0.90|oral
左氧氟沙星片|片剂|J01MA|0.5g|4,6,10|0.80|oral
头孢呋辛酯片|片剂|J01DC|0.25g|12,24|0.90|oral
甲硝唑片|片剂|P01AB|0.2g|21,100|0.03|basic
对乙酰氨基酚片|片剂|N02BE|0.5g|10,20,100|0.05|basic
布洛芬片|片剂|M01AE|0.2g|20,100|0.05|basic
氯雷他定片|片剂|R06AX|10mg|6,12|0.50|basic
盐酸西替利嗪片|片剂|R06AE|10mg|6,12,24|0.40|basic
磷酸奥司他韦胶囊|胶囊|J05AH|75mg|10|3.00|oral
盐酸氨溴索片|片剂|R05CB|30mg|20,40|0.10|basic
硝苯地平控释片|控释片|C08CA|30mg|7,14|2.00|basic
硝苯地平片|片剂|C08CA|10mg|100|0.03|basic
缬沙坦胶囊|胶囊|C09CA|80mg|7,14,28|0.80|basic
氯沙坦钾片|片剂|C09CA|50mg|7,14|0.90|basic
替米沙坦片|片剂|C09CA|40mg|7,14,28|0.50|basic
琥珀酸美托洛尔缓释片|缓释片|C07AB|47.5mg|7,14|1.50|basic
酒石酸美托洛尔片|片剂|C07AB|25mg|20,30|0.10|basic
富马酸比索洛尔片|片剂|C07AB|5mg|10,18|0.80|basic
吲达帕胺片|片剂|C03BA|2.5mg|30|0.10|basic
氢氯噻嗪片|片剂|C03AA|25mg|100|0.02|basic
阿司匹林肠溶片|肠溶片|B01AC|100mg|30,100|0.10|basic
格列美脲片|片剂|A10BB|2mg|10,20|0.60|basic
阿卡波糖片|片剂|A10BF|50mg|30|0.80|basic
盐酸二甲双胍片|片剂|A10BA|0.25g|48,100|0.03|basic
格列齐特缓释片|缓释片|A10BB|30mg|30|0.60|basic
瑞格列奈片|片剂|A10BX|1mg|30|0.90|oral
磷酸西格列汀片|片剂|A10BH|100mg|7,14|2.50|oral
精蛋白人胰岛素注射液|注射剂|A10AC|3ml:300单位|1|40.00|hosp
门冬胰岛素注射液|注射剂|A10AB|3ml:300单位|1|50.00|hosp
辛伐他汀片|片剂|C10AA|20mg|10,30|0.30|basic
非诺贝特胶囊|胶囊|C10AB|0.2g|10,30|0.80|oral
单硝酸异山梨酯缓释片|缓释片|C01DA|40mg|14,24|0.60|basic
地高辛片|片剂|C01AA|0.25mg|30,100|0.05|hosp
华法林钠片|片剂|B01AA|2.5mg|60,100|0.20|hosp
螺内酯片|片剂|C03DA|20mg|100|0.03|basic
呋塞米片|片剂|C03CA|20mg|100|0.02|basic
雷贝拉唑钠肠溶片|肠溶片|A02BC|10mg|7,14|1.50|oral
铝碳酸镁咀嚼片|咀嚼片|A02AD|0.5g|20,48|0.20|basic
多潘立酮片|片剂|A03FA|10mg|30,42|0.30|basic
枸橼酸莫沙必利片|片剂|A03FA|5mg|24|0.80|oral
双歧杆菌三联活菌胶囊|胶囊|A07FA|210mg|24,36|0.50|oral
乳果糖口服溶液|口服溶液|A06AD|100ml:66.7g|1|30.00|oral
聚乙二醇4000散|散剂|A06AD|10g|10|2.00|oral
维生素B1片|片剂|A11DA|10mg|100|0.01|basic
叶酸片|片剂|B03BB|0.4mg|31,93|0.05|basic
碳酸钙D3片|片剂|A12AX|600mg|30,60|0.30|basic
阿仑膦酸钠片|片剂|M05BA|70mg|1,4|8.00|oral
骨化三醇软胶囊|软胶囊|A11CC|0.25μg|10,20|1.20|oral
塞来昔布胶囊|胶囊|M01AH|0.2g|6,10|2.00|oral
双氯芬酸钠缓释片|缓释片|M01AB|75mg|10,20|0.50|basic
盐酸曲马多缓释片|缓释片|N02AX|0.1g|10|1.50|hosp
艾司唑仑片|片剂|N05CD|1mg|20|0.10|hosp
奥氮平片|片剂|N05AH|10mg|7,14,28|1.00|spec
利培酮片|片剂|N05AX|1mg|20,60|0.30|spec
盐酸舍曲林片|片剂|N06AB|50mg|7,14|1.20|oral
草酸艾司西酞普兰片|片剂|N06AB|10mg|7,14|1.60|oral
丙戊酸钠缓释片|缓释片|N03AG|0.5g|30|1.20|spec
卡马西平片|片剂|N03AF|0.1g|100|0.10|hosp
盐酸多奈哌齐片|片剂|N06DA|5mg|7,14|1.30|spec
左甲状腺素钠片|片剂|H03AA|50μg|100|0.30|oral
甲巯咪唑片|片剂|H03BB|10mg|50|0.30|oral
醋酸泼尼松片|片剂|H02AB|5mg|100|0.03|hosp
地塞米松磷酸钠注射液|注射剂|H02AB|1ml:5mg|10|0.50|inj
氯化钠注射液|注射剂|B05XA|250ml:2.25g|1|2.00|inj
葡萄糖注射液|注射剂|B05BA|250ml:12.5g|1|2.00|inj
注射用青霉素钠|注射剂|J01CE|80万单位|1,10|0.50|inj
注射用头孢他啶|注射剂|J01DD|1.0g|1|6.00|inj
注射用哌拉西林钠他唑巴坦钠|注射剂|J01CR|4.5g|1|20.00|inj
注射用美罗培南|注射剂|J01DH|0.5g|1|30.00|spec
注射用奥美拉唑钠|注射剂|A02BC|40mg|1|8.00|inj
肝素钠注射液|注射剂|B01AB|2ml:12500单位|1,10|8.00|inj
依诺肝素钠注射液|注射剂|B01AB|0.4ml:4000AxaIU|1,10|25.00|spec
硫酸沙丁胺醇吸入气雾剂|气雾剂|R03AC|100μg×200揿|1|20.00|oral
吸入用布地奈德混悬液|吸入剂|R03BA|2ml:1mg|5,30|6.00|hosp
吸入用异丙托溴铵溶液|吸入剂|R03BB|2ml:0.5mg|10|3.00|hosp
沙美特罗替卡松吸入粉雾剂|粉雾剂|R03AK|50μg/250μg×60吸|1|150.00|oral
盐酸坦索罗辛缓释胶囊|缓释胶囊|G04CA|0.2mg|10,20|1.50|oral
非那雄胺片|片剂|G04CB|5mg|10,30|1.80|oral
克拉霉素片|片剂|J01FA|0.25g|6,12|0.80|oral
奥硝唑片|片剂|J01XD|0.25g|12,24|0.50|oral
伏立康唑片|片剂|J02AC|0.2g|6,10|20.00|spec
氟康唑胶囊|胶囊|J02AC|150mg|1,2|5.00|oral
阿昔洛韦片|片剂|J05AB|0.1g|24,100|0.10|basic
富马酸替诺福韦二吡呋酯片|片剂|J05AF|300mg|30|1.50|spec
瑞巴派特片|片剂|A02BX|0.1g|12,24|0.80|oral
熊去氧胆酸胶囊|胶囊|A05AA|250mg|25|2.50|oral
多烯磷脂酰胆碱胶囊|胶囊|A05BA|228mg|24,36|1.20|oral
甲氨蝶呤片|片剂|L01BA|2.5mg|16,100|0.50|spec
枸橼酸他莫昔芬片|片剂|L02BA|10mg|60|0.50|spec
来曲唑片|片剂|L02BG|2.5mg|10,30|3.00|spec
卡培他滨片|片剂|L01BC|0.5g|12|8.00|spec
吉非替尼片|片剂|L01EB|0.25g|10|30.00|spec
奥美沙坦酯片|片剂|C09CA|20mg|7,14,28|1.00|basic
厄贝沙坦氢氯噻嗪片|片剂|C09DA|150mg/12.5mg|7,14|1.00|oral
培哚普利叔丁胺片|片剂|C09AA|4mg|10,30|1.80|oral
马来酸依那普利片|片剂|C09AA|10mg|16,32|0.30|basic
卡托普利片|片剂|C09AA|25mg|100|0.02|basic
非洛地平缓释片|缓释片|C08CA|5mg|10,30|0.90|basic
马来酸左氨氯地平片|片剂|C08CA|2.5mg|14,28|0.60|basic
尼莫地平片|片剂|C08CA|30mg|50,100|0.10|hosp
盐酸曲美他嗪缓释片|缓释片|C01EB|35mg|30|1.00|oral
替格瑞洛片|片剂|B01AC|90mg|14|3.00|spec
阿哌沙班片|片剂|B01AF|2.5mg|10,20|2.50|spec
别嘌醇片|片剂|M04AA|0.1g|100|0.05|basic
非布司他片|片剂|M04AA|40mg|10,16|2.00|oral
秋水仙碱片|片剂|M04AC|0.5mg|20|0.30|oral
普瑞巴林胶囊|胶囊|N03AX|75mg|8,14|2.00|oral
加巴喷丁胶囊|胶囊|N03AX|0.3g|24,50|0.60|oral
维生素C片|片剂|A11GA|0.1g|100|0.01|basic
硫酸亚铁片|片剂|B03AA|0.3g|60|0.03|basic
口服补液盐散(III)|散剂|A07CA|5.125g|6,20|0.60|basic
连花清瘟胶囊|胶囊|ZA01BA|0.35g|24,36|0.50|basic
银翘解毒片|片剂|ZA01BA|0.3g|24,36|0.15|basic
板蓝根颗粒|颗粒剂|ZA03AA|10g|20|0.50|basic
藿香正气口服液|口服液|ZA06AA|10ml|10|1.00|basic
六味地黄丸|丸剂|ZA12AA|0.18g|200|0.05|basic
血塞通软胶囊|软胶囊|ZA12GA|0.33g|24|1.20|oral
银杏叶片|片剂|ZA12GA|9.6mg|24,48|0.80|oral
参麦注射液|注射剂|ZA13AA|20ml|1|6.00|inj
丹红注射液|注射剂|ZA12GA|10ml|1|8.00|inj
通心络胶囊|胶囊|ZA12GA|0.26g|30,90|1.20|oral
"""

# In-period national negotiated drugs (谈判药品): exempt from the filing limits.
NEGOTIATED_DRUGS = """
沙库巴曲缬沙坦钠片|片剂|C09DX|100mg|14,28|4.00|spec
司美格鲁肽注射液|注射剂|A10BJ|1.34mg/ml(1.5ml)|1|400.00|spec
恩格列净片|片剂|A10BK|10mg|10,30|3.00|spec
度拉糖肽注射液|注射剂|A10BJ|1.5mg/0.5ml|1,4|200.00|spec
甲磺酸奥希替尼片|片剂|L01EB|80mg|14,30|180.00|spec
信迪利单抗注射液|注射剂|L01FF|10ml:100mg|1|1080.00|spec
枸橼酸托法替布片|片剂|L04AA|5mg|28,56|10.00|spec
利拉鲁肽注射液|注射剂|A10BJ|3ml:18mg|1,2|300.00|spec
"""

VBP_CONSUMABLES = """
冠脉药物洗脱支架|hv_consumable|020301|2.5×18mm,3.0×24mm,3.5×29mm|1|7000.00|hv
冠状动脉球囊扩张导管|hv_consumable|020302|2.0×15mm,3.0×20mm|1|2500.00|hv
人工全髋关节|hv_consumable|130101|陶瓷-陶瓷,陶瓷-聚乙烯|1|30000.00|hv
人工全膝关节|hv_consumable|130102|固定平台,活动平台|1|32000.00|hv
一次性使用静脉留置针|consumable|140201|22G,24G|50|8.00|cons
一次性使用输液器|consumable|140202|带针0.7mm|100|1.50|cons
一次性使用无菌导尿管|consumable|140301|双腔16Fr,双腔18Fr|10|15.00|cons
"""

OTHER_CONSUMABLES = """
一次性使用无菌注射器|consumable|140101|5ml,10ml|100|0.30|cons
医用外科口罩|consumable|140401|17.5cm×9.5cm|50|0.40|otc
一次性使用医用橡胶检查手套|consumable|140402|M,L|100|0.30|cons
医用脱脂纱布块|consumable|140403|8cm×10cm-8P|10|0.50|cons
一次性使用采血针|consumable|140102|0.7mm|100|0.20|cons
一次性使用吸痰管|consumable|140302|F12|1|1.50|cons
植入式心脏起搏器|hv_consumable|020401|双腔|1|20000.00|hv
一次性使用管型吻合器|hv_consumable|060101|26mm,29mm|1|2500.00|hv
人工晶状体|hv_consumable|160101|折叠型|1|1500.00|hv
中心静脉导管包|hv_consumable|020501|双腔7Fr|1|300.00|hv
"""

# Products bought off the platform and registered afterwards (备案采购): shortage and
# emergency drugs with no listed supply, with the reason a hospital gives.
UNLISTED_DRUGS = (
    "注射用硫酸多黏菌素B", "苯妥英钠注射液", "硫酸鱼精蛋白注射液", "亚甲蓝注射液",
    "注射用盐酸戊乙奎醚", "去乙酰毛花苷注射液", "碘解磷定注射液", "盐酸纳洛酮注射液",
)
UNLISTED_CONSUMABLES = ("一次性使用负压引流护创材料", "可吸收性止血纱布", "一次性使用活检针")
FILING_REASONS = ("急抢救用药，平台无供应", "短缺药品，配送企业无法供货", "临床急需，挂网产品暂停供应")


@dataclass(frozen=True)
class Item:
    """One generic product of the catalogue (a variety once its dosage form is fixed)."""

    name: str
    category: str  # drug / consumable / hv_consumable
    form: str | None  # dosage form, None for consumables
    cls: str  # ATC level 4 (drugs, "Z…" for traditional medicine) or class digits
    specs: tuple[str, ...]
    packs: tuple[int, ...]
    unit_price: float  # yuan per minimum unit before any VBP
    tier: str
    negotiated: bool = False


def _drugs(text: str, negotiated: bool = False) -> tuple[Item, ...]:
    out = []
    for line in text.strip().splitlines():
        name, form, cls, specs, packs, price, tier = line.split("|")
        out.append(Item(name, "drug", form, cls, tuple(specs.split(",")),
                        tuple(int(p) for p in packs.split(",")), float(price), tier, negotiated))
    return tuple(out)


def _consumables(text: str) -> tuple[Item, ...]:
    out = []
    for line in text.strip().splitlines():
        name, category, cls, specs, upp, price, tier = line.split("|")
        out.append(Item(name, category, None, cls, tuple(specs.split(",")), (int(upp),),
                        float(price), tier))
    return tuple(out)


VBP_ITEMS: dict[str, Item] = {i.name: i for i in _drugs(VBP_DRUGS) + _consumables(VBP_CONSUMABLES)}
OTHER_ITEMS: tuple[Item, ...] = (
    _drugs(OTHER_DRUGS) + _drugs(NEGOTIATED_DRUGS, negotiated=True)
    + _consumables(OTHER_CONSUMABLES)
)


@dataclass(frozen=True)
class BatchDef:
    code: str
    name: str
    level: str
    category: str  # drug / consumable
    cycles: tuple[tuple[date, date], ...]  # (start, end) of each cycle year, in order
    items: tuple[str, ...]  # VBP_ITEMS names, most used first


BATCHES: tuple[BatchDef, ...] = (
    BatchDef("GJYP09", "国家组织药品集中带量采购（第九批）", "national", "drug",
             ((date(2024, 9, 1), date(2025, 8, 31)), (date(2025, 9, 1), date(2026, 8, 31))),
             ("苯磺酸氨氯地平片", "阿托伐他汀钙片", "盐酸二甲双胍缓释片", "硫酸氢氯吡格雷片",
              "厄贝沙坦片", "注射用头孢曲松钠", "蒙脱石散", "恩替卡韦片")),
    BatchDef("GJYP10", "国家组织药品集中带量采购（第十批）", "national", "drug",
             ((date(2025, 3, 1), date(2026, 2, 28)),),
             ("瑞舒伐他汀钙片", "注射用泮托拉唑钠", "奥美拉唑肠溶胶囊", "达格列净片",
              "盐酸莫西沙星片", "利伐沙班片", "左乙拉西坦片")),
    BatchDef("GJHC-GMZJ", "国家组织冠脉支架集中带量采购（协议期满接续）", "national", "consumable",
             ((date(2025, 1, 1), date(2025, 12, 31)),),
             ("冠脉药物洗脱支架",)),
    BatchDef("LMHC-GJQN", "省际联盟人工关节及冠脉球囊集中带量采购", "alliance", "consumable",
             ((date(2025, 4, 1), date(2026, 3, 31)),),
             ("冠状动脉球囊扩张导管", "人工全髋关节", "人工全膝关节")),
    BatchDef("ZZYP2024", "中州省药品集中带量采购（2024年）", "provincial", "drug",
             ((date(2024, 10, 1), date(2025, 9, 30)),),
             ("布洛芬缓释胶囊", "注射用头孢唑林钠", "甲钴胺片", "盐酸氨溴索注射液", "复方丹参滴丸")),
    BatchDef("ZZHC2025", "中州省医用耗材集中带量采购（留置针等）", "provincial", "consumable",
             ((date(2025, 10, 16), date(2026, 10, 15)),),
             ("一次性使用静脉留置针", "一次性使用输液器", "一次性使用无菌导尿管")),
)

# A variety whose clinical use was cut by the key-monitoring list (重点监控目录): the
# bureau grants a clinical_change exemption for it, province-wide.
CLINICAL_CHANGE_ITEM = "注射用泮托拉唑钠"
CLINICAL_CHANGE_WINDOW = (date(2025, 6, 1), date(2026, 2, 28))
