using BertFineTune.Native;

namespace BertFineTune.Tests.Native;

public class ElfVersionNeedsTests
{
    private static byte[] OriginalBridge()
    {
        var dir = TorchNativeLoader.FindNativeDirectory();
        Assert.NotNull(dir);
        return File.ReadAllBytes(Path.Combine(dir, "libLibTorchSharp.so"));
    }

    [Fact]
    public void Lists_the_libstdcxx_requirements_of_the_shipped_bridge()
    {
        var needs = ElfVersionNeeds.Read(OriginalBridge());

        var cxx = needs.Where(n => n.File == "libstdc++.so.6").Select(n => n.Version).ToList();
        Assert.Contains("GLIBCXX_3.4.32", cxx);
        Assert.Contains("CXXABI_1.3.13", cxx);
        Assert.All(needs, n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void Marking_weak_changes_only_the_flags_of_that_entry()
    {
        var original = OriginalBridge();
        var patched = ElfVersionNeeds.MarkWeak(original, TorchNativeLoader.WeakenedVersions);

        Assert.Equal(original.Length, patched.Length);
        var target = ElfVersionNeeds.Read(original).Single(n => n.Version == "GLIBCXX_3.4.32");
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([(int)target.FlagsOffset], differing);
        Assert.Equal(ElfVersionNeed.WeakFlag, patched[target.FlagsOffset] & ElfVersionNeed.WeakFlag);

        var after = ElfVersionNeeds.Read(patched);
        Assert.True(after.Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);
        Assert.Equal(1, after.Count(n => n.IsWeak));
    }

    [Fact]
    public void Marking_weak_is_idempotent()
    {
        var once = ElfVersionNeeds.MarkWeak(OriginalBridge(), TorchNativeLoader.WeakenedVersions);
        var twice = ElfVersionNeeds.MarkWeak(once, TorchNativeLoader.WeakenedVersions);
        Assert.Equal(once, twice);
    }

    [Fact]
    public void Rejects_bytes_that_are_not_elf()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[128]));
        Assert.Contains("not an ELF file", ex.Message);
    }
}
