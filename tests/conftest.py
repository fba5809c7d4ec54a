import os
import sys
from pathlib import Path

# Qt must never look for a display in the test suite; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))  # for tests/naive.py
