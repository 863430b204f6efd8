using System.Globalization;
using BertFineTune.Config;
using BertFineTune.Tests.Support;
using CsvHelper;

namespace BertFineTune.Tests.Config;

/// <summary>The bundled example stays consistent: its files exist, parse as CSV, hold the columns the config names, and fit the 600-row cap.</summary>
public class SpamExampleTests
{
    [Fact]
    public async Task Every_dataset_entry_names_columns_that_exist_and_label_map_covers_its_labels()
    {
        var loaded = await TestConfigs.Loader().LoadFileAsync(Path.Combine(RepoPaths.Root, "examples", "spam", "config.yaml"), []);
        var total = 0;
        var labels = new HashSet<string>();
        foreach (var entry in loaded.Config.Dataset)
        {
            using var reader = new StreamReader(loaded.ResolvePath(entry.Filepath));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            await csv.ReadAsync();
            csv.ReadHeader();
            Assert.Contains(entry.TextColumn, csv.HeaderRecord!);
            Assert.Contains(entry.LabelColumn, csv.HeaderRecord!);
            while (await csv.ReadAsync())
            {
                total++;
                Assert.False(string.IsNullOrWhiteSpace(csv.GetField(entry.TextColumn)));
                var raw = csv.GetField(entry.LabelColumn)!;
                labels.Add(entry.LabelMap is { } map && map.TryGetValue(raw, out var mapped) ? mapped : raw);
            }
        }

        Assert.Equal(600, total);
        Assert.Equal(["ham", "spam"], labels.Order(StringComparer.Ordinal));
    }
}
