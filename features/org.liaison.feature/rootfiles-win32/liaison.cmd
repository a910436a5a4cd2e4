@echo off
rem Starts Liaison from this product folder (JAVA_HOME selects a JDK 21 or newer).
setlocal
set HERE=%~dp0
if defined JAVA_HOME (set JAVA="%JAVA_HOME%\bin\java") else (set JAVA=java)
for %%f in ("%HERE%plugins\org.eclipse.equinox.launcher_*.jar") do set LAUNCHER=%%f
if not defined LIAISON_HOME set LIAISON_HOME=%USERPROFILE%\.liaison
%JAVA% -Xmx1g -Dosgi.requiredJavaVersion=21 -Dliaison.home="%LIAISON_HOME%" -Djava.util.logging.config.file="%HERE%logging.properties" -jar "%LAUNCHER%" -data "%LIAISON_HOME%\workspace" %*
