namespace BertFineTune.Config;

/// <summary>The BFT0xx codes of config errors and warnings (README, Troubleshooting, lists them).</summary>
public static class ConfigErrorCodes
{
    public const string YamlSyntax = "BFT001";
    public const string UnknownKey = "BFT002";
    public const string WrongType = "BFT003";
    public const string OutOfRange = "BFT004";
    public const string NotInEnum = "BFT005";
    public const string Required = "BFT006";
    public const string ItemCount = "BFT007";
    public const string Length = "BFT008";
    public const string DuplicateKey = "BFT009";
    public const string FileNotFound = "BFT010";
    public const string UndefinedVariable = "BFT011";
    public const string BadOverride = "BFT012";
    public const string FileTooLarge = "BFT013";
    public const string YamlLimit = "BFT014";
    public const string SplitRatio = "BFT020";
    public const string SplitShares = "BFT021";
    public const string BestModelStrategies = "BFT022";
    public const string BestModelSteps = "BFT023";
    public const string UnknownMetric = "BFT024";
    public const string StepsNotPositive = "BFT025";
    public const string NormalizationFile = "BFT026";
    public const string PrecisionConflict = "BFT027";
    public const string LiteralSecret = "BFT030";
    public const string Fp16WithoutCuda = "BFT031";
    public const string InitTargetExists = "BFT040";
}
