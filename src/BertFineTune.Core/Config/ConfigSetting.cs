namespace BertFineTune.Config;

/// <summary>One effective setting for display, for example <c>hyperparameters.epochs</c> = <c>3</c>; secrets are already masked.</summary>
public sealed record ConfigSetting(string Key, string Value);
