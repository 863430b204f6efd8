using BertFineTune.Native;

namespace BertFineTune.Tests.Native;

public class OpenMpSpinWaitTests
{
    [Fact]
    public void LibTorch_loads_with_the_short_spin_unless_the_user_chose_a_wait_policy()
    {
        TorchNativeLoader.EnsureLoaded();
        var userChose = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") ?? Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(OpenMpSpinWait.NativeValue());
        }
        else if (userChose is null)
        {
            Assert.Equal(OpenMpSpinWait.SpinCount.ToString(System.Globalization.CultureInfo.InvariantCulture), OpenMpSpinWait.NativeValue());
        }
        else
        {
            // Their choice stands: the spin count is theirs (or unset beside their OMP_WAIT_POLICY).
            Assert.Equal(Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"), OpenMpSpinWait.NativeValue());
        }
    }
}
