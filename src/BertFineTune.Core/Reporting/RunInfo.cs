namespace BertFineTune.Reporting;

/// <summary>What ran, where and how long: the report's "Run" panel.</summary>
/// <param name="ModelId">The base model (hub id or folder).</param>
/// <param name="Device">Where it ran, e.g. <c>cpu (16 threads)</c>.</param>
/// <param name="StartedAt">When the run began.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Details">Other facts to show as key/value rows (command, config file, output folder, seed, version);
/// values whose key looks secret are masked, as in the config summary.</param>
public sealed record RunInfo(
    string ModelId,
    string Device,
    DateTimeOffset? StartedAt = null,
    TimeSpan? Duration = null,
    IReadOnlyList<KeyValuePair<string, string>>? Details = null);
