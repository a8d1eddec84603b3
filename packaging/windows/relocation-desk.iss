; Inno Setup script: the Windows installer of Relocation Desk (征收补偿工作台).
;
; Installs the one-folder bundle (dist\relocation-desk, built by PyInstaller from
; packaging\relocation-desk.spec) for the current user, without administrator rights, into
; %LOCALAPPDATA%\Programs\Relocation Desk. Start-menu and (optional) desktop shortcuts; .rdpkg
; packages open with the program, and Relocation Desk is offered under "Open with" for .sqlite
; project files (without taking over other programs' .sqlite files). Uninstalling removes the
; program only: projects, backups, logs and settings live in the user's data folder
; (%LOCALAPPDATA%\relocation-desk) and in the folders the user chose, and stay.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\relocation-desk.iss      (from the checkout's top)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Relocation Desk"
#define AppNameZh "征收补偿工作台"
#define AppExe "relocation-desk.exe"

[Setup]
AppId={{6C1F3A52-8E3B-4D9B-9C59-1F0B5E7A2D41}
AppName={#AppNameZh} {#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppNameZh}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
DisableProgramGroupPage=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=relocation-desk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\{#AppExe}
SetupLogging=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\relocation-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppNameZh}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"
Name: "{group}\{cm:UninstallProgram,{#AppNameZh}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppNameZh}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"; Tasks: desktopicon

[Registry]
; .rdpkg: packages between team laptops and HQ open with the program.
Root: HKCU; Subkey: "Software\Classes\.rdpkg"; ValueType: string; ValueName: ""; ValueData: "RelocationDesk.Package"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Package"; ValueType: string; ValueName: ""; ValueData: "{#AppNameZh} 数据包"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; Project files (.sqlite): offered under "Open with", never made the default for the extension.
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Project"; ValueType: string; ValueName: ""; ValueData: "{#AppNameZh} 项目"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\RelocationDesk.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "RelocationDesk.Project"; ValueData: ""; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "gui"; Description: "{cm:LaunchProgram,{#AppNameZh}}"; Flags: nowait postinstall skipifsilent
