using BertFineTune.Config;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;

namespace BertFineTune.Tests.Config;

public class ConfigLoaderTests
{
    [Fact]
    public async Task The_spam_example_loads_with_its_values_and_paths_relative_to_the_file()
    {
        var path = Path.Combine(RepoPaths.Root, "examples", "spam", "config.yaml");

        var loaded = await TestConfigs.Loader().LoadFileAsync(path, []);

        var config = loaded.Config;
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", config.BaseModel.ModelId);
        Assert.Equal(2, config.Dataset.Count);
        Assert.Equal("message", config.Dataset[0].TextColumn);
        Assert.Equal(new Dictionary<string, string> { ["0"] = "ham", ["1"] = "spam" }, config.Dataset[1].LabelMap);
        Assert.Equal([0.8, 0.1, 0.1], config.Training.SplitRatio);
        Assert.Equal(Optimizer.AdamwTorch, config.Hyperparameters.Optim);
        Assert.Equal(Fp16Mode.Auto, config.Hyperparameters.Fp16);
        Assert.Equal([ReportSink.Console, ReportSink.Jsonl], config.Loggings.ReportTo);
        Assert.True(File.Exists(loaded.ResolvePath(config.Dataset[0].Filepath)));
        Assert.True(File.Exists(loaded.ResolvePath(config.Dataset[1].Filepath)));
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Missing_keys_take_the_schema_defaults()
    {
        var config = TestConfigs.Load(TestConfigs.Minimal).Config;

        Assert.Equal(42, config.Seed);
        Assert.Equal("answerdotai/ModernBERT-base", config.BaseModel.ModelId);
        Assert.Equal("main", config.BaseModel.Revision);
        Assert.Equal("text", config.Dataset[0].TextColumn);
        Assert.Equal(3, config.Hyperparameters.Epochs);
        Assert.Equal(16, config.Hyperparameters.BatchSize);
        Assert.Equal(5e-5, config.Hyperparameters.LearningRate);
        Assert.Equal(256, config.Hyperparameters.MaxLength);
        Assert.Equal(Optimizer.AdamwTorchFused, config.Hyperparameters.Optim);
        Assert.Equal(Fp16Mode.Auto, config.Hyperparameters.Fp16);
        Assert.False(config.Preprocessing.Normalization.Enabled);
        Assert.Equal(IntervalStrategy.Epoch, config.Loggings.EvalStrategy);
        Assert.Equal("|", config.Training.LabelDelimiter);
        Assert.Equal(0.5, config.Training.MultiLabelThreshold);
        Assert.Equal(".cache/huggingface", config.Huggingface.ModelPath);
    }

    [Fact]
    public void Acceptance_four_mistakes_are_reported_together_each_with_its_line()
    {
        var errors = TestConfigs.Errors("""
            dataset:
              - filepath: data.csv
            training:
              split_ratio: [0.8, 0.2, 0.2]
            hyperparameters:
              learning_rat: 3e-5
              epochs: three
              batch_size: -4
            """);

        Assert.Collection(
            errors,
            e => (e.Code, e.Line, e.Column, e.Key).Is(ConfigErrorCodes.SplitRatio, 4, 16, "training.split_ratio"),
            e => (e.Code, e.Line, e.Column, e.Key).Is(ConfigErrorCodes.UnknownKey, 6, 3, "hyperparameters.learning_rat"),
            e => (e.Code, e.Line, e.Column, e.Key).Is(ConfigErrorCodes.WrongType, 7, 11, "hyperparameters.epochs"),
            e => (e.Code, e.Line, e.Column, e.Key).Is(ConfigErrorCodes.OutOfRange, 8, 15, "hyperparameters.batch_size"));
        Assert.Contains("did you mean learning_rate?", errors[1].Message);
        Assert.Contains("expected a whole number, found the text 'three'", errors[2].Message);
        Assert.Contains("at least 1; found -4", errors[3].Message);
        Assert.Contains("sum to 1.2", errors[0].Message);
        Assert.All(errors, e => Assert.Equal(TestConfigs.File, e.File));
    }

    [Fact]
    public void A_wrong_type_names_what_was_expected_and_what_was_found()
    {
        var errors = TestConfigs.Errors("""
            dataset: data.csv
            seed: "7"
            hyperparameters:
              bf16: maybe
              fp16: sometimes
            loggings:
              report_to: wandb
            """);

        Assert.Contains(errors, e => e.Key == "dataset" && e.Message == "expected a list (for example [a, b] or '- a' lines), found the text 'data.csv'.");
        Assert.Contains(errors, e => e.Key == "seed" && e.Message.Contains("found the quoted text \"7\" (remove the quotes)"));
        Assert.Contains(errors, e => e.Key == "hyperparameters.bf16" && e.Message.StartsWith("expected true or false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Key == "hyperparameters.fp16" && e.Code == ConfigErrorCodes.NotInEnum && e.Message.Contains("auto, true, false"));
        Assert.Contains(errors, e => e.Key == "loggings.report_to" && e.Code == ConfigErrorCodes.WrongType);
        Assert.DoesNotContain(errors, e => e.Code == ConfigErrorCodes.Required); // dataset's type error is not repeated
    }

    [Fact]
    public void An_unknown_key_far_from_any_valid_key_lists_the_valid_ones()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nbase_model:\n  zzzzzz: 1\n", ConfigErrorCodes.UnknownKey);

        Assert.Contains("valid keys are model_id, revision", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void A_repeated_report_sink_is_an_error()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nloggings:\n  report_to: [console, jsonl, console]\n", ConfigErrorCodes.ItemCount);

        Assert.Equal("loggings.report_to", error.Key);
        Assert.Contains("lists console more than once", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void An_enum_typo_gets_a_suggestion()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nhyperparameters:\n  lr_scheduler_type: cosin\n", ConfigErrorCodes.NotInEnum);

        Assert.Contains("Did you mean cosine?", error.Message);
    }

    [Fact]
    public void Yaml_booleans_and_strings_both_work_for_fp16()
    {
        Assert.Equal(Fp16Mode.True, TestConfigs.Load(TestConfigs.Minimal + "\nhyperparameters:\n  fp16: True\n").Config.Hyperparameters.Fp16);
        Assert.Equal(Fp16Mode.False, TestConfigs.Load(TestConfigs.Minimal + "\nhyperparameters:\n  fp16: \"false\"\n").Config.Hyperparameters.Fp16);
    }

    [Fact]
    public void A_yaml_syntax_error_points_at_its_line()
    {
        var error = TestConfigs.Single("dataset:\n  - filepath: a.csv\n    text_column: [unclosed\n", ConfigErrorCodes.YamlSyntax);

        Assert.NotNull(error.Line);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.Contains("invalid YAML", error.Message);
    }

    [Fact]
    public void A_duplicate_key_is_an_error()
    {
        var error = TestConfigs.Single(TestConfigs.Minimal + "\nseed: 1\nseed: 2\n", ConfigErrorCodes.DuplicateKey);

        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void An_empty_file_asks_for_a_dataset()
    {
        var error = TestConfigs.Single(string.Empty, ConfigErrorCodes.Required);

        Assert.Equal("dataset", error.Key);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_missing_required_key_in_a_list_item_points_at_the_item()
    {
        var error = TestConfigs.Single("dataset:\n  - filepath: a.csv\n  - text_column: body\n", ConfigErrorCodes.Required);

        Assert.Equal("dataset[1].filepath", error.Key);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public async Task A_missing_file_is_a_user_error_naming_the_path()
    {
        using var temp = new TempDirectory();

        var exception = await Assert.ThrowsAsync<UserErrorException>(() => TestConfigs.Loader().LoadFileAsync(temp.File("nope.yaml"), []));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(ConfigErrorCodes.FileNotFound, error.Code);
        Assert.Contains("nope.yaml", error.Message);
    }

    [Fact]
    public void The_source_map_points_later_stages_at_a_dataset_line()
    {
        var loaded = TestConfigs.Load("""
            dataset:
              - filepath: a.csv
              - filepath: b.csv
                text_column: body
            """);

        var error = loaded.Sources.Error("dataset[1].filepath", "BFT101", "file not found");
        Assert.Equal((TestConfigs.File, 3, 15), (error.File, error.Line, error.Column));
        // A key left at its default points at the nearest written parent.
        Assert.Equal(3, loaded.Sources.Locate("dataset[1].encoding").Line);
        Assert.True(loaded.Sources.TryGetKey("dataset[1].text_column", out var key));
        Assert.Equal((4, 5), (key.Line, key.Column));
    }

    [Fact]
    public void Describe_lists_every_effective_setting()
    {
        var settings = TestConfigs.Load(TestConfigs.Minimal).Describe().ToDictionary(s => s.Key, s => s.Value);

        Assert.Equal("3", settings["hyperparameters.epochs"]);
        Assert.Equal("5e-05", settings["hyperparameters.learning_rate"]);
        Assert.Equal("[0.8, 0.1, 0.1]", settings["training.split_ratio"]);
        Assert.Equal("data.csv", settings["dataset[0].filepath"]);
        Assert.Equal("[console, jsonl]", settings["loggings.report_to"]);
        Assert.Equal("adamw_torch_fused", settings["hyperparameters.optim"]);
    }
}

internal static class TupleAssert
{
    public static void Is(this (string Code, int? Line, int? Column, string? Key) actual, string code, int line, int column, string key) =>
        Assert.Equal((code, (int?)line, (int?)column, key), actual);
}
