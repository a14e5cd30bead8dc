; Inno Setup 6 script: installs the one-folder build for the current user only — no
; administrator rights, nothing written outside the user's own folders.
;   1. pyinstaller --noconfirm packaging\thiduakhenthuong.spec   (makes dist\ThiDuaKhenThuong)
;   2. iscc packaging\thiduakhenthuong.iss                       (makes dist\CaiDat-ThiDuaKhenThuong-<version>.exe)
; Data (the database, backups, logs) lives in %APPDATA%\ThiDuaKhenThuong, which the program
; creates itself; this installer never installs, lists or deletes anything there, so an
; uninstall or a reinstall keeps every record.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Thi đua - Khen thưởng"
#define AppFolder "ThiDuaKhenThuong"
#define AppExe "ThiDuaKhenThuong.exe"

[Setup]
AppId={{6F1C2B9E-4C57-4D1B-9A63-1E7B2D0C8A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Ủy ban nhân dân xã
; Per user: {autopf} is %LOCALAPPDATA%\Programs when installing without admin rights.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppFolder}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Qt 6 needs 64-bit Windows 10 1809 (build 17763) or later.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=CaiDat-{#AppFolder}-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes
RestartApplications=no

[Languages]
; Inno Setup ships no Vietnamese messages file: English base, the screens a clerk reads
; overridden in [Messages] below.
Name: "vi"; MessagesFile: "compiler:Default.isl"

[Messages]
SetupAppTitle=Cài đặt
SetupWindowTitle=Cài đặt %1
ButtonBack=< &Quay lại
ButtonNext=&Tiếp >
ButtonInstall=&Cài đặt
ButtonCancel=Hủy
ButtonFinish=&Xong
ButtonBrowse=&Chọn…
ButtonYes=&Có
ButtonNo=&Không
ExitSetupTitle=Thoát cài đặt
ExitSetupMessage=Chưa cài xong. Nếu thoát bây giờ, chương trình sẽ không được cài.%n%nCó thể chạy lại tệp cài đặt lúc khác.%n%nThoát cài đặt?
WelcomeLabel1=Cài đặt [name]
WelcomeLabel2=Chương trình [name/ver] sẽ được cài cho tài khoản Windows này (không cần quyền quản trị).%n%nNên đóng các chương trình khác trước khi tiếp tục.
WizardSelectDir=Chọn nơi cài
SelectDirDesc=Cài [name] vào đâu?
SelectDirLabel3=Chương trình sẽ được cài vào thư mục dưới đây. Dữ liệu không nằm ở đây mà ở thư mục dữ liệu riêng của người dùng.
SelectDirBrowseLabel=Bấm Tiếp để tiếp tục, hoặc Chọn… để chọn thư mục khác.
WizardSelectTasks=Chọn việc cần làm thêm
SelectTasksDesc=Cần làm thêm việc gì?
SelectTasksLabel2=Chọn các việc cần làm thêm khi cài [name], rồi bấm Tiếp.
WizardReady=Sẵn sàng cài đặt
ReadyLabel1=Đã sẵn sàng cài [name] vào máy.
ReadyLabel2a=Bấm Cài đặt để bắt đầu, hoặc Quay lại để xem lại lựa chọn.
ReadyLabel2b=Bấm Cài đặt để bắt đầu.
WizardInstalling=Đang cài đặt
InstallingLabel=Xin chờ trong khi [name] được cài vào máy.
FinishedHeadingLabel=Đã cài xong [name]
FinishedLabelNoIcons=Đã cài [name] vào máy.
FinishedLabel=Đã cài [name] vào máy. Mở chương trình từ biểu tượng trên màn hình nền hoặc trong menu Start.
ClickFinish=Bấm Xong để kết thúc.
ConfirmUninstall=Gỡ %1 khỏi máy? Dữ liệu (tệp dữ liệu, các bản sao lưu) được giữ nguyên.
UninstalledAll=Đã gỡ %1. Dữ liệu vẫn nằm trong thư mục dữ liệu của người dùng.
WinVersionTooLowError=Thi đua - Khen thưởng cần Windows 10 (bản 1809 trở lên) hoặc Windows 11, 64 bit. Trên máy cũ hơn, có thể in giấy khen từ tệp PDF bằng bất kỳ trình đọc PDF nào (chọn "Kích thước thực").

[Tasks]
Name: "desktopicon"; Description: "Tạo biểu tượng trên màn hình nền"; GroupDescription: "Biểu tượng:"

[Files]
; The whole folder PyInstaller made: both programs, Python, Qt and the resources.
Source: "..\dist\{#AppFolder}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Quản lý thi đua, khen thưởng cấp xã"
Name: "{autoprograms}\Thư mục dữ liệu Thi đua - Khen thưởng"; Filename: "{userappdata}\{#AppFolder}"; Comment: "Tệp dữ liệu, bản sao lưu và nhật ký lỗi"
Name: "{autoprograms}\Gỡ cài đặt Thi đua - Khen thưởng"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "Mở chương trình ngay"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Dirs] for the data folder, on purpose: uninstalling removes
; only the files listed in [Files] and the shortcuts above.
