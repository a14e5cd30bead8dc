# Shared by run.sh and test.sh: system packages on Debian/Ubuntu, then a virtualenv.
VENV="${VENV:-.venv}"
RUNTIME_PKGS="fonts-liberation2 libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 \
libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libx11-xcb1"
TEST_PKGS="$RUNTIME_PKGS poppler-utils xvfb xauth x11-utils binutils libreoffice-calc-nogui libreoffice-writer-nogui cups cups-bsd cups-client ghostscript zbar-tools postgresql"

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
    # Installs only when setup.cfg changed since the last install (a stamp in the venv):
    # starting the program must not wait on pip every time.
    local py="${PYTHON:-python3}" extra="${1:-}"
    if [ ! -x "$VENV/bin/python" ]; then
        "$py" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-${extra:-runtime}"
    local want
    want="$(pwd) $(cat setup.cfg pyproject.toml 2>/dev/null | cksum)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    # the test install includes everything the program needs
    if [ -z "$extra" ] && [ -f "$VENV/.installed-test" ] && \
            [ "$(cat "$VENV/.installed-test")" = "$want" ]; then
        return 0
    fi
    echo "Cài các gói Python (lần đầu hoặc khi danh sách gói thay đổi)…"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    local target="."
    [ "$extra" = test ] && target=".[test]"
    local log="$VENV/pip-install.log"
    if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$target" \
            >"$log" 2>&1; then
        cat "$log" >&2
        echo "Cài gói Python không thành công (xem $log)." >&2
        return 1
    fi
    "$VENV/bin/python" -c "import models, reports, PySide6.QtWidgets" || return 1
    echo "$want" > "$stamp"
}
