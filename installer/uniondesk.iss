; Inno Setup script for the Windows installer. Run after `python installer\build.py`:
;   iscc installer\uniondesk.iss     (or: python installer\build.py --setup)
; UTF-8 with a byte order mark, so that Inno Setup 6.0-6.2 read the Chinese text too.
; build.py --dist DIR passes /DDistDir=DIR (the folder that holds UnionDesk\).
#ifndef DistDir
  #define DistDir "..\dist"
#endif
#define AppName "工会信访帮扶台账系统 UnionDesk"
#define AppVersion "0.1.0"

[Setup]
AppId={{7B0C5E1D-4C2A-4E55-9C1D-55D3A1E0B2F1}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=UnionDesk
DefaultDirName={autopf}\UnionDesk
DefaultGroupName=UnionDesk
OutputDir={#DistDir}\installer
OutputBaseFilename=UnionDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\resources\fonts\wqy-microhei-LICENSE.txt

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"; Flags: skipifdoesntexist
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "{#DistDir}\UnionDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\UnionDesk"; Filename: "{app}\UnionDesk.exe"
Name: "{autodesktop}\UnionDesk"; Filename: "{app}\UnionDesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "附加任务:"

[Run]
Filename: "{app}\UnionDesk.exe"; Description: "启动 UnionDesk"; Flags: nowait postinstall skipifsilent
