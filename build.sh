#!/usr/bin/env bash
# Restores the repository's local tools (Cake) and runs a target of build/build.cake.
# Usage: ./build.sh [--target=Test] [--configuration=Release]
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
