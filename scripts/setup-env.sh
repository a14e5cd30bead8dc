# Shared by run.sh and test.sh: system packages on Debian/Ubuntu, then a virtualenv.
VENV="${VENV:-.venv}"
RUNTIME_PKGS="fonts-liberation2 libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 \
libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libx11-xcb1"
TEST_PKGS="$RUNTIME_PKGS poppler-utils xvfb xauth libreoffice-calc-nogui libreoffice-writer-nogui cups cups-bsd cups-client ghostscript"

install_system_packages() {
    command -v apt-get >/dev/null 2>&1 || return 0
    local pkgs="$RUNTIME_PKGS"
    [ "${1:-}" = test ] && pkgs="$TEST_PKGS"
    local missing=""
    for p in $pkgs; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Cài các gói hệ thống còn thiếu:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

make_venv() {
    local py="${PYTHON:-python3}"
    if [ ! -x "$VENV/bin/python" ]; then
        "$py" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    if [ "${1:-}" = test ]; then
        "$VENV/bin/python" -m pip install -q -e ".[test]"
    else
        "$VENV/bin/python" -m pip install -q -e .
    fi
}
