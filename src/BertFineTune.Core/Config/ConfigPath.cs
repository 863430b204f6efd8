namespace BertFineTune.Config;

/// <summary>Key paths as errors and <see cref="SourceMap"/> spell them: <c>hyperparameters.batch_size</c>, <c>dataset[0].filepath</c> (0-based).</summary>
public static class ConfigPath
{
    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Index(string path, int index) => $"{path}[{index}]";
}
