from tests.web.world import World


def test_home_page_for_every_persona(world: World, as_) -> None:
    for name in world.users:
        response = as_(name).get("/")
        assert response.status_code == 200, name


def test_sign_in_page_is_public(client) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/").status_code == 302
