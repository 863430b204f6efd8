namespace BertFineTune.Data;

/// <summary>Progress of <see cref="DataPipeline.PrepareAsync"/>: the stage (<c>read</c>, <c>split</c>), the file, and rows so far.</summary>
public sealed record DataProgress(string Stage, string? File, int Rows);
