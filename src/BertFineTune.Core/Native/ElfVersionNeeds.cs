using System.Buffers.Binary;
using System.Text;

namespace BertFineTune.Native;

/// <summary>One <c>Vernaux</c> entry of an ELF <c>.gnu.version_r</c> section: "this library needs version X of file Y".</summary>
/// <param name="File">The needed library, for example <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name, for example <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The <c>vna_flags</c> value; bit 0x2 is <c>VER_FLG_WEAK</c>.</param>
/// <param name="FlagsOffset">File offset of the 16-bit <c>vna_flags</c> field.</param>
public sealed record ElfVersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    public const ushort WeakFlag = 0x2;

    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// Reads and edits the version requirements of a 64-bit little-endian ELF shared library.
/// Only what the TorchSharp loader needs: list the entries, and mark chosen ones weak in place.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint SectionTypeGnuVerNeed = 0x6ffffffe;

    /// <summary>Lists every version requirement in <paramref name="elf"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file.</exception>
    public static IReadOnlyList<ElfVersionNeed> Read(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        }

        var sectionTableOffset = checked((int)U64(elf, 0x28));
        var sectionEntrySize = U16(elf, 0x3a);
        var sectionCount = U16(elf, 0x3c);
        var result = new List<ElfVersionNeed>();
        for (var i = 0; i < sectionCount; i++)
        {
            var header = sectionTableOffset + (i * sectionEntrySize);
            if (U32(elf, header + 4) != SectionTypeGnuVerNeed)
            {
                continue;
            }

            var offset = checked((int)U64(elf, header + 0x18));
            var stringSection = sectionTableOffset + ((int)U32(elf, header + 0x28) * sectionEntrySize);
            var strings = checked((int)U64(elf, stringSection + 0x18));
            ReadNeeds(elf, offset, strings, result);
        }

        return result;
    }

    /// <summary>
    /// Returns a copy of <paramref name="elf"/> in which every requirement whose version is in
    /// <paramref name="versions"/> carries <c>VER_FLG_WEAK</c>. Nothing else changes, byte for byte.
    /// </summary>
    public static byte[] MarkWeak(ReadOnlySpan<byte> elf, IReadOnlySet<string> versions)
    {
        var copy = elf.ToArray();
        foreach (var need in Read(elf))
        {
            if (versions.Contains(need.Version) && !need.IsWeak)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan((int)need.FlagsOffset), (ushort)(need.Flags | ElfVersionNeed.WeakFlag));
            }
        }

        return copy;
    }

    private static void ReadNeeds(ReadOnlySpan<byte> elf, int offset, int strings, List<ElfVersionNeed> result)
    {
        // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
        // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
        var need = offset;
        while (true)
        {
            var count = U16(elf, need + 2);
            var file = CString(elf, strings + (int)U32(elf, need + 4));
            var aux = need + (int)U32(elf, need + 8);
            for (var j = 0; j < count; j++)
            {
                var name = CString(elf, strings + (int)U32(elf, aux + 8));
                result.Add(new ElfVersionNeed(file, name, U16(elf, aux + 4), aux + 4));
                var nextAux = U32(elf, aux + 12);
                if (nextAux == 0)
                {
                    break;
                }

                aux += (int)nextAux;
            }

            var next = U32(elf, need + 12);
            if (next == 0)
            {
                return;
            }

            need += (int)next;
        }
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    private static string CString(ReadOnlySpan<byte> b, int at)
    {
        var end = b[at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(b.Slice(at, end));
    }
}
