using System.Text.RegularExpressions;
using TorchSharp.Modules;

namespace BertFineTune.Training.Optimization;

/// <summary>A parameter with its Hugging Face name.</summary>
public sealed record NamedParameter(string Name, Parameter Parameter);

/// <summary>Parameters that share one weight decay.</summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<NamedParameter> Parameters, double WeightDecay);

/// <summary>
/// Splits parameters into the two groups the HF Trainer builds: decayed, and not decayed (biases and
/// LayerNorm/RMSNorm/norm weights). The name patterns are those of transformers v4.57 <c>get_decay_parameter_names</c>.
/// </summary>
public static partial class ParameterGroups
{
    public const string DecayGroup = "decay";
    public const string NoDecayGroup = "no_decay";

    /// <summary>True when weight decay applies to the parameter of this name.</summary>
    public static bool IsDecayed(string name) => !NoDecayPattern().IsMatch(name.ToLowerInvariant());

    /// <summary>The decayed group (with <paramref name="weightDecay"/>) then the no-decay group (0); empty groups are left out.</summary>
    public static IReadOnlyList<ParameterGroup> Build(IEnumerable<(string Name, Parameter Parameter)> namedParameters, double weightDecay)
    {
        var trainable = namedParameters.Where(p => p.Parameter.requires_grad).Select(p => new NamedParameter(p.Name, p.Parameter)).ToList();
        var groups = new List<ParameterGroup>();
        var decayed = trainable.Where(p => IsDecayed(p.Name)).ToList();
        var notDecayed = trainable.Where(p => !IsDecayed(p.Name)).ToList();
        if (decayed.Count > 0)
        {
            groups.Add(new ParameterGroup(DecayGroup, decayed, weightDecay));
        }

        if (notDecayed.Count > 0)
        {
            groups.Add(new ParameterGroup(NoDecayGroup, notDecayed, 0.0));
        }

        return groups;
    }

    [GeneratedRegex(@"bias|layernorm|rmsnorm|(?:^|\.)norm(?:$|\.)|_norm(?:$|\.)")]
    private static partial Regex NoDecayPattern();
}
