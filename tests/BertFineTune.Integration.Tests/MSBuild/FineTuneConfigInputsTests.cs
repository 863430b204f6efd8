using BertFineTune.MSBuild;

namespace BertFineTune.Integration.Tests.MSBuild;

/// <summary>What the FineTune target reads from a config to decide whether training is up to date.</summary>
public sealed class FineTuneConfigInputsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Datasets_and_an_enabled_normalization_file_are_inputs_relative_to_the_config()
    {
        var config = Write("configs/bertft.yaml", """
            dataset:
              - filepath: ../data/a.csv
                text_column: text
              - filepath: ${DATA_DIR:-data}/b.xlsx
            preprocessing:
              normalization:
                enabled: true
                filepath: assets/norm.json
            training:
              output_dir: out
            """);

        var inputs = FineTuneConfigInputs.Read(config, null, _dir.Path, _ => null);

        Assert.True(inputs.Readable);
        Assert.Equal(
            [Path.Combine(_dir.Path, "data", "a.csv"), Path.Combine(_dir.Path, "configs", "data", "b.xlsx"), Path.Combine(_dir.Path, "configs", "assets", "norm.json")],
            inputs.InputFiles);
        Assert.Equal(Path.Combine(_dir.Path, "configs", "out", "model", "model.safetensors"), inputs.ModelFile);
    }

    [Fact]
    public void Environment_references_are_expanded_and_a_disabled_normalization_file_is_not_an_input()
    {
        var config = Write("bertft.yaml", """
            dataset:
              - filepath: ${DATA_DIR}/a.csv
            preprocessing:
              normalization:
                enabled: false
                filepath: norm.json
            """);

        var inputs = FineTuneConfigInputs.Read(config, null, _dir.Path, name => name == "DATA_DIR" ? "/srv/data" : null);

        Assert.Equal([Path.GetFullPath("/srv/data/a.csv")], inputs.InputFiles);
        Assert.Equal(Path.Combine(_dir.Path, ".cache", "output"), inputs.OutputDirectory);
    }

    [Fact]
    public void The_output_override_is_relative_to_the_project_folder()
    {
        var config = Write("cfg/bertft.yaml", "training:\n  output_dir: ignored\n");

        var inputs = FineTuneConfigInputs.Read(config, "artifacts/model-out", _dir.Path, _ => null);

        Assert.Equal(Path.Combine(_dir.Path, "artifacts", "model-out"), inputs.OutputDirectory);
    }

    [Fact]
    public void Broken_yaml_is_left_to_bertft_to_report()
    {
        var config = Write("bertft.yaml", "dataset:\n  - filepath: [unclosed\n");

        var inputs = FineTuneConfigInputs.Read(config, null, _dir.Path, _ => null);

        Assert.False(inputs.Readable);
        Assert.Empty(inputs.InputFiles);
    }

    public void Dispose() => _dir.Dispose();

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
