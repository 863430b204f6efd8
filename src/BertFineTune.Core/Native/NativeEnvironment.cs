using System.Runtime.InteropServices;

namespace BertFineTune.Native;

/// <summary>
/// The process environment as native libraries read it. On Unix <c>Environment.SetEnvironmentVariable</c> changes only
/// .NET's copy, while oneDNN and OpenMP call <c>getenv</c>; so settings meant for them go through libc.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>
    /// Sets <paramref name="name"/> in the native environment unless the user set it or one of
    /// <paramref name="userAlternatives"/>; false where they did or this is not Linux.
    /// </summary>
    public static bool SetUnlessChosen(string name, int value, params string[] userAlternatives)
    {
        if (!OperatingSystem.IsLinux() || userAlternatives.Prepend(name).Any(n => Environment.GetEnvironmentVariable(n) is not null))
        {
            return false;
        }

        return setenv(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), 0) == 0;
    }

    /// <summary>The variable as native code sees it (null where unset or not Linux).</summary>
    public static string? Get(string name) => OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(getenv(name)) : null;

#pragma warning disable SA1300, IDE1006 // C names.
    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr getenv(string name);
#pragma warning restore SA1300, IDE1006
}
