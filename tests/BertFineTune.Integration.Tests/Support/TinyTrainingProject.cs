namespace BertFineTune.Integration.Tests.Support;

/// <summary>
/// A config and data small enough to train in seconds: the tiny-bert fixture as base model, one epoch, 90 short
/// quotes of three topics (the template's sample, from the Debian fortunes corpus).
/// </summary>
public static class TinyTrainingProject
{
    public const string DataFile = "data/quotes.csv";

    public static string TemplateSample => Path.Combine(RepoPaths.Root, "templates", "BertFineTune.Templates", "content", "bertft", "data", "sample.csv");

    /// <summary>Writes <c>bertft.yaml</c> and the data into <paramref name="directory"/>; returns the config path.</summary>
    public static string Write(string directory, string configName = "bertft.yaml")
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var sample = File.ReadAllText(TemplateSample).Replace("BERTFT_TEXT_COLUMN,BERTFT_LABEL_COLUMN", "text,label", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(directory, DataFile), sample);
        var config = Path.Combine(directory, configName);
        File.WriteAllText(config, Yaml());
        return config;
    }

    public static string Yaml() => $"""
        seed: 42
        base_model:
          model_id: {RepoPaths.Fixture("tiny-bert")}/model
        dataset:
          - filepath: {DataFile}
            text_column: text
            label_column: label
        training:
          split_ratio: [0.6, 0.2, 0.2]
          output_dir: .cache/output
        hyperparameters:
          epochs: 1
          batch_size: 8
          max_length: 32
          warmup_steps: 0
        loggings:
          logging_strategy: epoch
        """ + "\n";

    /// <summary>The 1-based line of the first line of <paramref name="yaml"/> that starts (after indentation) with <paramref name="key"/>.</summary>
    public static int LineOf(string yaml, string key) =>
        Array.FindIndex(yaml.Split('\n'), l => l.TrimStart().StartsWith(key, StringComparison.Ordinal)) + 1;
}
