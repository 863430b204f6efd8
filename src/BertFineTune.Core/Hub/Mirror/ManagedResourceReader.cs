using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub.Mirror;

/// <summary>
/// Reads embedded manifest resources from a .NET assembly file with System.Reflection.Metadata, without loading the
/// assembly (no code of the package runs).
/// </summary>
public static class ManagedResourceReader
{
    /// <summary>The names of the embedded resources.</summary>
    public static IReadOnlyList<string> ListResources(string assemblyPath)
    {
        using var pe = Open(assemblyPath, out var metadata);
        return [.. metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name))];
    }

    /// <summary>The bytes of the first embedded resource whose name ends with <paramref name="nameSuffix"/>, or null.</summary>
    public static byte[]? ReadResource(string assemblyPath, string nameSuffix)
    {
        using var pe = Open(assemblyPath, out var metadata);
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !metadata.GetString(resource.Name).EndsWith(nameSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            // Only this resource is copied, not the whole resource section (90 MB for a model package, per call).
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress);
            var offset = checked((int)resource.Offset);
            var length = block.GetReader(offset, 4).ReadInt32();
            return block.GetReader(offset + 4, length).ReadBytes(length);
        }

        return null;
    }

    private static PEReader Open(string assemblyPath, out MetadataReader metadata)
    {
        var pe = new PEReader(File.OpenRead(assemblyPath));
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
        {
            pe.Dispose();
            throw new UserErrorException(HubErrors.NuGetMirror, "This file is not a .NET assembly.", assemblyPath);
        }

        metadata = pe.GetMetadataReader();
        return pe;
    }
}
