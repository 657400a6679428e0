namespace Oml.Zoo;

/// <summary>
/// Finds a file of a NuGet package that a restore has put on this machine: in the global packages folder
/// (<c>$NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>), or copied next to the application by the package's build.
/// </summary>
public static class NuGetPackageFiles
{
    /// <summary>The global packages folder NuGet restores into.</summary>
    public static string GlobalPackagesFolder
    {
        get
        {
            var own = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            return !string.IsNullOrWhiteSpace(own)
                ? Path.GetFullPath(own)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
    }

    /// <summary>The places <see cref="Find"/> looks, in order.</summary>
    public static IReadOnlyList<string> Candidates(string packageId, string version, string pathInPackage, string? pathInApp = null) =>
        Candidates(GlobalPackagesFolder, packageId, version, pathInPackage, pathInApp);

    /// <summary>The places to look with <paramref name="packagesFolder"/> as the global packages folder.</summary>
    public static IReadOnlyList<string> Candidates(string packagesFolder, string packageId, string version, string pathInPackage, string? pathInApp = null)
    {
        var list = new List<string>
        {
            Path.Combine(packagesFolder, packageId.ToLowerInvariant(), version.ToLowerInvariant(), pathInPackage),
        };
        if (pathInApp is not null) list.Add(Path.Combine(AppContext.BaseDirectory, pathInApp));
        return list;
    }

    /// <summary>The first candidate that exists, or null.</summary>
    public static string? Find(string packageId, string version, string pathInPackage, string? pathInApp = null) =>
        Candidates(packageId, version, pathInPackage, pathInApp).FirstOrDefault(File.Exists);
}
