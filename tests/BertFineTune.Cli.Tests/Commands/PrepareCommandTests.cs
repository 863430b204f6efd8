using System.Text.Json;
using BertFineTune.Cli.Tests.Support;
using BertFineTune.Tests.Support;

namespace BertFineTune.Cli.Tests.Commands;

public class PrepareCommandTests
{
    [Fact]
    public async Task Merges_the_two_spamassassin_exports_into_5448_rows_split_by_ratio()
    {
        using var temp = new TempDirectory();
        var a = RepoPaths.Data("spamassassin", "spamassassin_a.csv");
        var b = RepoPaths.Data("spamassassin", "spamassassin_b.xlsx");
        await File.WriteAllTextAsync(temp.File("config.yaml"), $$"""
            dataset:
              - filepath: {{a}}
                text_column: message
                label_column: category
              - filepath: {{b}}
                text_column: email_text
                label_column: is_spam
                label_map: {"0": ham, "1": spam}
            preprocessing:
              default: {lowercase: false, remove_symbols: false, remove_numbers: false, remove_newlines: false}
              advanced: {remove_mentions: false, remove_retweets: false, remove_emojis: false}
            training:
              split_ratio: [0.8, 0.1, 0.1]
              output_dir: out
            """);

        var result = await Bertft.RunAsync(temp.Path, null, "prepare", "config.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Rows read 5448 = kept 5448 + dropped 0", result.Stdout.Replace(",", string.Empty), StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(temp.File("out/data/data_report.json")));
        var splits = report.RootElement.GetProperty("splits");
        var totals = new Dictionary<string, int>();
        var ratios = new Dictionary<string, double> { ["train"] = 0.8, ["validation"] = 0.1, ["test"] = 0.1 };
        var perSplit = new Dictionary<string, Dictionary<string, int>>();
        foreach (var split in splits.EnumerateArray())
        {
            var name = split.GetProperty("name").GetString()!;
            perSplit[name] = split.GetProperty("class_counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
            foreach (var (label, count) in perSplit[name])
            {
                totals[label] = totals.GetValueOrDefault(label) + count;
            }
        }

        Assert.Equal(4058, totals["ham"]);
        Assert.Equal(1390, totals["spam"]);
        foreach (var (split, counts) in perSplit)
        {
            foreach (var (label, count) in counts)
            {
                Assert.InRange(count, (totals[label] * ratios[split]) - 1, (totals[label] * ratios[split]) + 1);
            }
        }

        Assert.True(File.Exists(temp.File("out/data/train.csv")));
        Assert.True(File.Exists(temp.File("out/data/labels.json")));
    }

    [Fact]
    public async Task A_missing_data_file_points_at_its_line_in_the_config()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.File("config.yaml"), """
            dataset:
              - filepath: nowhere.csv
                text_column: text
                label_column: label
            """);

        var result = await Bertft.RunAsync(temp.Path, null, "prepare", "config.yaml");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("config.yaml(2,15): error BFT1", result.Stderr);
        Assert.Contains("nowhere.csv", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
