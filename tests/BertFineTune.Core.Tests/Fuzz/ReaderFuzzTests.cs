using System.IO.Compression;
using System.Text;
using BertFineTune.Config;
using BertFineTune.Data.Reading;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using CsCheck;

namespace BertFineTune.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of every reader of user files, seeded from <c>tests/fuzz-corpus</c>: each seed file is read as it
/// is, then random mutations of the seeds are read for a bounded time. A read may succeed or fail with a
/// <see cref="UserErrorException"/> (one BFT message); any other exception is a bug, and CsCheck shrinks it and prints
/// the seed that replays it (<c>CsCheck_Seed=...</c>); <c>CsCheck_Time=N</c> runs each target N seconds.
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    /// <summary>Seconds per target: 8 in an ordinary test run (CI); a longer hunt sets CsCheck_Time.</summary>
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Time"), out var seconds) && seconds > 0 ? seconds : 8;

    // Tokens that make each format's parser change state: quoting, nesting, anchors, escapes, invalid bytes.
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"", "\"\"", ",", ";", "\t", "|", "\n", "\r\n", "\r", " ", "\\", "'", ":", ": ", "- ", "#", "&a ", "*a", "<<: *a",
            "[", "]", "{", "}", "!!int ", "!!binary ", "${X}", "$${", "%YAML 1.2\n", "---\n", "...\n", "? ", "|\n", ">-\n",
            "\"\\u0000\"", "\\ud800", "1e999", "-0x10", "99999999999999999999", "null", "true", "<row r=\"0\">", "<c r=\"ZZZZ9\">",
            "<v>", "</v>", "t=\"s\"", "s=\"99\"", "&amp;", "&#0;", "<![CDATA[", "<!DOCTYPE x [<!ENTITY e \"e\">]>",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0x00], [0xE2, 0x80, 0x8B], [0xF0, 0x9F, 0x98],
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Corpus, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_reads_or_fails_with_one_user_error(string relative)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Corpus, relative));
        if (relative.StartsWith("config/", StringComparison.Ordinal))
        {
            ReadConfig(bytes);
        }
        else
        {
            ReadTable(bytes, Path.GetExtension(relative));
        }
    }

    [Fact]
    public void Mutated_configs_never_crash_the_config_reader() =>
        Mutations("config").Sample(ReadConfig, iter: 1_000_000, time: Seconds, threads: 2, print: Show);

    [Theory]
    [InlineData("csv", ".csv")]
    [InlineData("csv", ".tsv")]
    [InlineData("jsonl", ".jsonl")]
    public void Mutated_tables_never_crash_the_readers(string corpus, string extension) =>
        Mutations(corpus).Sample(bytes => ReadTable(bytes, extension), iter: 1_000_000, time: Seconds, threads: 2, print: Show);

    [Fact]
    public void Workbooks_with_a_mutated_xml_part_never_crash_the_xlsx_reader()
    {
        var seed = File.ReadAllBytes(Path.Combine(Corpus, "xlsx", "small.xlsx"));
        using var zip = new ZipArchive(new MemoryStream(seed), ZipArchiveMode.Read);
        var parts = zip.Entries.Select(e => (e.FullName, Bytes: ReadEntry(e))).ToArray();
        var gen = Gen.Select(Gen.Int[0, parts.Length - 1], Edit.Array[1, 6]).Select(pick =>
        {
            var mutated = parts.Select((p, i) => (p.FullName, Bytes: i == pick.Item1 ? Apply(p.Bytes, pick.Item2) : p.Bytes)).ToArray();
            return Zip(mutated);
        });
        gen.Sample(bytes => ReadTable(bytes, ".xlsx"), iter: 1_000_000, time: Seconds, threads: 2, print: b => $"{b.Length} bytes");
    }

    private static string Corpus => Path.Combine(RepoPaths.Root, "tests", "fuzz-corpus");

    private static readonly Gen<(int Kind, int Position, int Token, byte Value, int Length)> Edit =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 1 << 16], Gen.Int[0, Tokens.Length - 1], Gen.Byte, Gen.Int[1, 64]);

    /// <summary>A seed file of <paramref name="folder"/> with 1–8 edits: insert a token, set a byte, delete or repeat a slice.</summary>
    private static Gen<byte[]> Mutations(string folder)
    {
        var seeds = Directory.GetFiles(Path.Combine(Corpus, folder)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        return Gen.Select(Gen.Int[0, seeds.Length - 1], Edit.Array[1, 8]).Select(pick => Apply(seeds[pick.Item1], pick.Item2));
    }

    private static byte[] Apply(byte[] seed, (int Kind, int Position, int Token, byte Value, int Length)[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, position, token, value, length) in edits)
        {
            var at = bytes.Count == 0 ? 0 : position % (bytes.Count + 1);
            switch (kind)
            {
                case 0 or 1:
                    bytes.InsertRange(at, Tokens[token]);
                    break;
                case 2 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 3 when at < bytes.Count:
                    bytes.RemoveRange(at, Math.Min(length, bytes.Count - at));
                    break;
                case 4 when at < bytes.Count:
                    var slice = bytes.GetRange(at, Math.Min(length, bytes.Count - at));
                    for (var i = 0; i < 1 + (value % 16); i++)
                    {
                        bytes.InsertRange(at, slice);
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static void ReadConfig(byte[] bytes)
    {
        var yaml = new UTF8Encoding(false, false).GetString(bytes);
        var loader = new ConfigLoader(new ConfigLoaderOptions { Environment = name => name == "X" ? "x" : null, CudaAvailable = () => false });
        try
        {
            loader.Load(yaml, "fuzz.yaml", Path.GetTempPath(), []);
        }
        catch (UserErrorException e)
        {
            Assert.NotEmpty(e.Errors);
        }
    }

    private void ReadTable(byte[] bytes, string extension)
    {
        var path = _temp.File($"{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        try
        {
            Task.Run(async () =>
            {
                using var reader = await TabularReader.OpenAsync(path);
                await foreach (var row in reader.ReadRowsAsync())
                {
                    Assert.Equal(reader.Columns.Count, row.Values.Count);
                }
            }).GetAwaiter().GetResult();
        }
        catch (UserErrorException e)
        {
            Assert.NotEmpty(e.Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Zip((string Name, byte[] Bytes)[] parts)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in parts)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(bytes);
            }
        }

        return output.ToArray();
    }

    private static string Show(byte[] bytes) => Convert.ToBase64String(bytes);
}
