"""Many signal emits must not crash Python (PySide6 6.12.0 drops a reference to True per emit)."""
import subprocess
import sys

CODE = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import gui  # applies the workaround
from PySide6.QtCore import QObject, Signal
class O(QObject):
    progressed = Signal(int, int)
o = O()
for i in range(200000):
    o.progressed.emit(i, 200000)
import gc; gc.collect()
print("ok")
"""


def test_two_hundred_thousand_emits_do_not_crash():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                            timeout=120, cwd=__file__.rsplit("/tests/", 1)[0])
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "ok"


PAINT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import gui  # applies the workaround
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPen
app = QGuiApplication([])
image = QImage(50, 50, QImage.Format_RGB32)
p = QPainter(image)
pen = QPen()
for i in range(300000):          # each void call drops a reference to None in PySide6 6.12.0
    p.setPen(pen)
p.end()
import gc; gc.collect()
print("ok")
"""


def test_many_void_painter_calls_do_not_crash():
    result = subprocess.run([sys.executable, "-c", PAINT], capture_output=True, text=True,
                            timeout=120, cwd=__file__.rsplit("/tests/", 1)[0])
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "ok"
