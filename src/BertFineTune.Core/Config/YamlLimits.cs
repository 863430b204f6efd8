namespace BertFineTune.Config;

/// <summary>
/// Bounds on a config file, so a small hostile YAML (a "billion laughs" alias bomb, nesting thousands deep, a
/// multi-gigabyte file) is one BFT013/BFT014 error instead of exhausting memory or the stack. Real configs are a few
/// kilobytes; a label_map with 100,000 entries is under 2 MiB and loads in linear time.
/// </summary>
public static class YamlLimits
{
    /// <summary>The largest config file read (BFT013).</summary>
    public const long MaxFileBytes = 8L * 1024 * 1024;

    /// <summary>Alias uses (<c>*name</c>) per file (BFT014); a config needs a handful at most.</summary>
    public const int MaxAliases = 1_000;

    /// <summary>Nodes after every alias is expanded (BFT014): the tree the binder would walk.</summary>
    public const int MaxExpandedNodes = 2_000_000;

    /// <summary>Characters of scalar text after every alias is expanded (BFT014).</summary>
    public const long MaxExpandedChars = 64L * 1024 * 1024;

    /// <summary>Nesting of mappings and sequences (BFT014); the schema itself nests four levels.</summary>
    public const int MaxDepth = 64;
}
