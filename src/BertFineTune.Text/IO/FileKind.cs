using System.Runtime.InteropServices;

namespace BertFineTune.IO;

/// <summary>What a path is on disk, symbolic links followed.</summary>
public enum FileKindValue
{
    Missing,
    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    LinkLoop,
    Other,
}

/// <summary>
/// Tells a regular file from a device (<c>/dev/zero</c>), a FIFO or a socket before opening it: opening a FIFO blocks until
/// a writer appears and a device never ends, and .NET's FileInfo calls all of them "Normal". Uses <c>statx</c> on Linux
/// (its layout is the same on every architecture) and <c>stat</c> on macOS; Windows has none of these kinds of files.
/// </summary>
public static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int Eloop = 40;
    private const int MacEloop = 62;

    public static FileKindValue Of(string path)
    {
        try
        {
            return Native(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without statx (glibc before 2.28): fall back to what .NET can tell.
            return Portable(path);
        }
    }

    private static FileKindValue Native(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[256];
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return Failure(Marshal.GetLastPInvokeError(), path);
            }

            // struct statx: u32 stx_mask, u32 stx_blksize, u64 stx_attributes, u32 stx_nlink, u32 stx_uid, u32 stx_gid, u16 stx_mode.
            return FromMode(BitConverter.ToUInt16(buffer, 28));
        }

        if (OperatingSystem.IsMacOS())
        {
            var buffer = new byte[256];
            if (MacStat(path, buffer) != 0)
            {
                return Failure(Marshal.GetLastPInvokeError(), path);
            }

            // Darwin's 64-bit-inode struct stat: i32 st_dev, u16 st_mode.
            return FromMode(BitConverter.ToUInt16(buffer, 4));
        }

        return Portable(path);
    }

    private static FileKindValue Portable(string path)
    {
        return Directory.Exists(path) ? FileKindValue.Directory
            : File.Exists(path) ? ((File.GetAttributes(path) & FileAttributes.Device) != 0 ? FileKindValue.CharacterDevice : FileKindValue.Regular)
            : FileKindValue.Missing;
    }

    /// <summary>How a kind reads in a sentence: "a character device", "a FIFO (named pipe)".</summary>
    public static string Describe(FileKindValue kind) => kind switch
    {
        FileKindValue.CharacterDevice => "a character device",
        FileKindValue.BlockDevice => "a block device",
        FileKindValue.Fifo => "a FIFO (named pipe)",
        FileKindValue.Socket => "a socket",
        FileKindValue.Directory => "a folder",
        FileKindValue.LinkLoop => "a symbolic link that loops (it never reaches a file)",
        FileKindValue.Missing => "missing",
        FileKindValue.Regular => "a regular file",
        _ => "not a regular file",
    };

    /// <summary>ELOOP is a link loop; any other failure (ENOENT, or ENOSYS where a sandbox forbids statx) defers to .NET's view.</summary>
    private static FileKindValue Failure(int errno, string path) =>
        errno == (OperatingSystem.IsMacOS() ? MacEloop : Eloop) ? FileKindValue.LinkLoop : Portable(path);

    private static FileKindValue FromMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKindValue.Regular,
        0x4000 => FileKindValue.Directory,
        0x2000 => FileKindValue.CharacterDevice,
        0x6000 => FileKindValue.BlockDevice,
        0x1000 => FileKindValue.Fifo,
        0xC000 => FileKindValue.Socket,
        _ => FileKindValue.Other,
    };

    // DllImport, not LibraryImport: the source-generated form needs unsafe code, and these blittable calls do not.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int MacStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
