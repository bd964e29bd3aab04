import sys
from pathlib import Path

# tests/builders.py is a plain helper module shared by the test files.
sys.path.insert(0, str(Path(__file__).parent))
