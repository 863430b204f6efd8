using System.Text;
using BertFineTune.Data;
using BertFineTune.Diagnostics;
using BertFineTune.Tests.Support;
using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Tests.Text.Preprocessing;

public sealed class NormalizationLoaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("en")]
    [InlineData("id")]
    public async Task Bundled_dictionaries_load_by_short_name_by_json_name_and_from_the_repository_file(string name)
    {
        var byName = await NormalizationLoader.LoadAsync(name, _temp.Path);
        var byJsonName = await NormalizationLoader.LoadAsync(name + ".json", _temp.Path);
        var fromFile = await NormalizationLoader.LoadAsync(Path.Combine(RepoPaths.Root, "assets", "normalization", name + ".json"), _temp.Path);
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, "assets", "normalization", name + ".json");

        Assert.True(byName.Count >= 150, $"{name}.json has {byName.Count} entries");
        Assert.Equal(byName.Count, byJsonName.Count);
        Assert.Equal(byName.Count, fromFile.Count);
        Assert.True(File.Exists(besideBinaries), besideBinaries);
        Assert.Equal("bundled:" + name, byName.Source);
    }

    [Fact]
    public void Indonesian_dictionary_turns_colloquial_into_formal()
    {
        var id = NormalizationLoader.LoadBundled("id");
        Assert.Equal("saya tidak tahu kenapa dia sudah pergi, terima kasih ya", id.Apply("gw gak tau knp dia udah pergi, makasih ya"));
    }

    [Fact]
    public void English_dictionary_fixes_slang_and_typos_as_whole_words()
    {
        var en = NormalizationLoader.LoadBundled("en");
        Assert.Equal("i do not know, are you coming tomorrow? definitely. us", en.Apply("idk, r u coming tmrw? definately. us"));
    }

    [Fact]
    public async Task A_file_next_to_the_config_wins_over_a_bundled_name()
    {
        await File.WriteAllTextAsync(_temp.File("en"), "{\"x\": \"y\"}");
        var dictionary = await NormalizationLoader.LoadAsync("en", _temp.Path);
        Assert.Equal(1, dictionary.Count);
    }

    [Fact]
    public void Non_string_value_is_rejected_with_its_line_and_column()
    {
        var error = ParseError("{\n  \"u\": \"you\",\n  \"gr8\": 8\n}");
        Assert.Equal(DataErrorCodes.NormalizationNonString, error.Code);
        Assert.Equal((3, 10), (error.Line, error.Column));
        Assert.Contains("\"gr8\" is a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_differing_only_in_case_are_rejected()
    {
        var error = ParseError("{\"lol\": \"laughing\",\n \"LOL\": \"laughing out loud\"}");
        Assert.Equal(DataErrorCodes.NormalizationDuplicateKey, error.Code);
        Assert.Equal((2, 2), (error.Line, error.Column));
    }

    [Fact]
    public void A_json_array_is_not_a_dictionary()
    {
        var error = ParseError("[\"u\", \"you\"]");
        Assert.Equal(DataErrorCodes.NormalizationInvalidJson, error.Code);
        Assert.Equal((1, 1), (error.Line, error.Column));
    }

    [Fact]
    public async Task Missing_file_names_the_config_key_and_the_bundled_names()
    {
        var where = new ConfigLocation("train.yaml", 20, 15, "preprocessing.normalization.filepath");
        var exception = await Assert.ThrowsAsync<UserErrorException>(() => NormalizationLoader.LoadAsync("assets/slang.json", _temp.Path, where));
        var error = Assert.Single(exception.Errors);
        Assert.Equal(DataErrorCodes.NormalizationNotFound, error.Code);
        Assert.Equal(("train.yaml", 20), (error.File, error.Line));
        Assert.Contains("en, id", error.Message, StringComparison.Ordinal);
    }

    private static UserError ParseError(string json)
    {
        var exception = Assert.Throws<UserErrorException>(() => NormalizationLoader.Parse(Encoding.UTF8.GetBytes(json), "x.json"));
        return Assert.Single(exception.Errors);
    }
}
