#!/usr/bin/env bash
# Creates the skeleton of a Liaison bundle: ./releng/scripts/new-bundle.sh bundles/org.liaison.x "Name" [test]
# (manifest, build.properties, DS annotation settings). Imports are the caller's to add.
set -euo pipefail
dir=$1; name=$2; bsn=$(basename "$dir")
mkdir -p "$dir/META-INF" "$dir/src" "$dir/.settings"
cat > "$dir/META-INF/MANIFEST.MF" <<MF
Manifest-Version: 1.0
Bundle-ManifestVersion: 2
Bundle-Name: $name
Bundle-SymbolicName: $bsn
Bundle-Version: 0.1.0.qualifier
Bundle-Vendor: Liaison
Automatic-Module-Name: $bsn
Bundle-RequiredExecutionEnvironment: JavaSE-21
MF
cat > "$dir/build.properties" <<BP
source.. = src/
output.. = bin/
bin.includes = META-INF/,\\
               .
BP
cat > "$dir/.settings/org.eclipse.pde.ds.annotations.prefs" <<PR
classpath=true
dsVersion=V1_5
eclipse.preferences.version=1
enabled=true
generateBundleActivationPolicy=true
path=OSGI-INF
validationErrorLevel=error
validationErrorLevel.missingImplicitUnbindMethod=error
PR
