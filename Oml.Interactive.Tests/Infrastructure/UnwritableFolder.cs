namespace Oml.Tests.Infrastructure;

/// <summary>
/// A folder in which nothing can be made. For a user, a folder of <see cref="TempDirectory"/> with mode 555 (r-x);
/// root ignores permissions, so for root <c>/sys/kernel</c>, which sysfs keeps read-only even for root. The test is
/// skipped where neither is possible.
/// </summary>
public static class UnwritableFolder
{
    public static string In(TempDirectory dir)
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("read-only folders are made with Unix permissions");
        else if (!Environment.IsPrivilegedProcess)
        {
            var folder = dir.File("read-only");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                         UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            return folder;
        }
        const string sysfs = "/sys/kernel";
        if (!Directory.Exists(sysfs)) Assert.Skip("running as root, and there is no /sys/kernel to stand in for a read-only folder");
        return sysfs;
    }
}
