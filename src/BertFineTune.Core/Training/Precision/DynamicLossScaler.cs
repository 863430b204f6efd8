namespace BertFineTune.Training.Precision;

/// <summary>
/// torch.cuda.amp.GradScaler's policy for fp16: multiply the loss by <see cref="Scale"/> before backward, unscale the
/// gradients before clipping, skip the optimizer step when any gradient is inf/NaN and halve the scale; double it
/// after <see cref="GrowthInterval"/> clean steps in a row.
/// </summary>
public sealed class DynamicLossScaler
{
    public DynamicLossScaler(double initialScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        Scale = initialScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    public double Scale { get; private set; }

    public double GrowthFactor { get; }

    public double BackoffFactor { get; }

    public int GrowthInterval { get; }

    /// <summary>Clean steps since the last change of scale.</summary>
    public int GrowthTracker { get; private set; }

    /// <summary>Records the outcome of one step; returns true when the optimizer step may be taken.</summary>
    public bool Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale *= BackoffFactor;
            GrowthTracker = 0;
            return false;
        }

        GrowthTracker++;
        if (GrowthTracker >= GrowthInterval)
        {
            Scale *= GrowthFactor;
            GrowthTracker = 0;
        }

        return true;
    }

    /// <summary>Restores a state saved from <see cref="Scale"/> and <see cref="GrowthTracker"/>.</summary>
    public void Restore(double scale, int growthTracker)
    {
        Scale = scale;
        GrowthTracker = growthTracker;
    }
}
