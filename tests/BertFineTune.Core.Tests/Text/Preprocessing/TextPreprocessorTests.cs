using BertFineTune.Text.Preprocessing;

namespace BertFineTune.Tests.Text.Preprocessing;

/// <summary>One test per option, each on input that trips naive implementations.</summary>
public sealed class TextPreprocessorTests
{
    private const string Family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"; // 👨‍👩‍👧‍👦 (ZWJ sequence)
    private const string FlagIndonesia = "\U0001F1EE\U0001F1E9"; // 🇮🇩 (regional indicators)
    private const string FlagScotland = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"; // 🏴󠁧󠁢󠁳󠁣󠁴󠁿 (tag sequence)
    private const string ThumbsUpDark = "\U0001F44D\U0001F3FF"; // 👍🏿 (skin tone)
    private const string WomanShruggingMedium = "\U0001F937\U0001F3FD\u200D\u2640\uFE0F"; // 🤷🏽‍♀️ (skin tone + ZWJ + VS16)
    private const string Heart = "\u2764\uFE0F"; // ❤️ (variation selector)
    private const string KeycapOne = "1\uFE0F\u20E3"; // 1️⃣

    private static string Run(PreprocessingOptions options, string text, NormalizationDictionary? dictionary = null) =>
        new TextPreprocessor(options, dictionary).Process(text);

    [Fact]
    public void No_option_leaves_the_text_exactly_as_read()
    {
        const string text = "  RT @a: Hi\tthere \U0001F600 https://x.io?q=1  \n";
        Assert.Equal(text, Run(PreprocessingOptions.None, text));
    }

    [Theory]
    [InlineData("RT @jokowi: Harga BBM turun", "Harga BBM turun")]
    [InlineData("RT: big news today", "big news today")]
    [InlineData("so true RT @user_99: the quote", "so true the quote")]
    [InlineData("ART @gallery: opening", "ART @gallery: opening")]
    [InlineData("SHIRT sale, RTX card", "SHIRT sale, RTX card")]
    public void Remove_retweets_drops_the_marker_and_its_handle_only(string input, string expected)
    {
        Assert.Equal(expected, Run(new PreprocessingOptions(RemoveRetweets: true), input));
    }

    [Theory]
    [InlineData("@alice thanks @bob_smith!", "thanks !")]
    [InlineData("mail me at jane.doe@example.com @jane", "mail me at jane.doe@example.com")]
    [InlineData("RT @user: hello", "RT : hello")]
    public void Remove_mentions_drops_handles_but_not_email_addresses(string input, string expected)
    {
        Assert.Equal(expected, Run(new PreprocessingOptions(RemoveMentions: true), input));
    }

    [Theory]
    [InlineData("read https://example.com/path/page.html?q=bert&lang=en#top now", "read now")]
    [InlineData("(see http://a.io/x?y=1). Next", "(see ). Next")]
    [InlineData("go to www.Example.org/docs, then ftp://files.net/a.zip!", "go to , then !")]
    [InlineData("no url: example dot com", "no url: example dot com")]
    public void Remove_urls_takes_query_strings_but_leaves_sentence_punctuation(string input, string expected)
    {
        Assert.Equal(expected, Run(new PreprocessingOptions(RemoveUrls: true), input));
    }

    [Theory]
    [InlineData("family " + Family + " day", "family day")]
    [InlineData("merdeka" + FlagIndonesia + FlagScotland + "!", "merdeka !")]
    [InlineData("nice" + ThumbsUpDark + WomanShruggingMedium + "ok", "nice ok")]
    [InlineData("love " + Heart + " you", "love you")]
    [InlineData("rank " + KeycapOne + " and 1 more", "rank and 1 more")]
    [InlineData("(c) 2024 \u00a9 and #1", "(c) 2024 and #1")]
    public void Remove_emojis_takes_whole_sequences(string input, string expected)
    {
        Assert.Equal(expected, Run(new PreprocessingOptions(RemoveEmojis: true), input));
    }

    [Fact]
    public void Remove_emojis_keeps_a_zero_width_joiner_inside_an_indic_word()
    {
        const string malayalam = "\u0D28\u0D4D\u200D"; // ന്‍ (chillu written with ZWJ)
        Assert.Equal(malayalam + " text", Run(new PreprocessingOptions(RemoveEmojis: true), malayalam + " text"));
    }

    [Fact]
    public void Remove_newlines_turns_line_breaks_and_tabs_into_single_spaces()
    {
        Assert.Equal("line one line two col", Run(new PreprocessingOptions(RemoveNewlines: true), "line one\r\n\r\nline two\tcol\n"));
    }

    [Fact]
    public void Newlines_are_kept_as_single_line_breaks_when_other_options_are_on()
    {
        Assert.Equal("line one\nline two col", Run(new PreprocessingOptions(Lowercase: true), "LINE one  \r\n\r\n  line two\tcol"));
    }

    [Fact]
    public void Lowercase_uses_the_invariant_culture()
    {
        Assert.Equal("istanbul ümit σοφία straße", Run(new PreprocessingOptions(Lowercase: true), "ISTANBUL ÜMIT ΣΟΦΊΑ STRAßE"));
    }

    [Fact]
    public void Remove_symbols_keeps_every_script_and_in_word_apostrophes()
    {
        const string input = "Don't stop! «Привет, мир» — مرحبا بالعالم؟ 你好，世界。 नमस्ते! l'amour ‘quoted’ $5 + 3 = 8 #tag";
        var expected = "Don't stop Привет мир مرحبا بالعالم 你好 世界 नमस्ते l'amour quoted 5 3 8 tag";
        Assert.Equal(expected, Run(new PreprocessingOptions(RemoveSymbols: true), input));
    }

    [Fact]
    public void Remove_symbols_also_takes_emoji_since_they_are_symbols()
    {
        Assert.Equal("great", Run(new PreprocessingOptions(RemoveSymbols: true), "great " + ThumbsUpDark + " " + Family + " " + FlagIndonesia + " " + Heart));
    }

    [Fact]
    public void Remove_numbers_takes_numbers_of_every_script_including_inside_words()
    {
        Assert.Equal(
            "covid cases in rd and mp files gone",
            Run(new PreprocessingOptions(RemoveNumbers: true), "covid19 cases 2024 in 3rd and mp3 files ٣٤ gone ½"));
    }

    [Fact]
    public void Normalization_matches_whole_words_case_insensitively_with_multi_word_keys_first()
    {
        var dictionary = new NormalizationDictionary(
            new Dictionary<string, string> { ["u"] = "you", ["by the way"] = "incidentally", ["by"] = "BY", ["gonna"] = "going to", ["don't"] = "do not" },
            "test");
        var options = new PreprocessingOptions(NormalizationEnabled: true);

        Assert.Equal("you and us, incidentally: going to BY-pass? do not", Run(options, "U and us, By  The\nWay: GONNA by-pass? don't", dictionary));
    }

    [Fact]
    public void Every_option_together_runs_in_the_documented_order()
    {
        var dictionary = NormalizationLoader.LoadBundled("en");
        const string tweet = "RT @news_bot: OMG u gotta see this \U0001F631\U0001F3FB https://t.co/AbC?x=1 — 100% legit!!\n#wow @friend b4 it's gone";

        Assert.Equal("oh my god you got to see this legit wow before it's gone", Run(PreprocessingOptions.All("en"), tweet, dictionary));
    }
}
