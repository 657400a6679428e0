namespace Oml.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds <c>Oml.Interactive.sln</c>.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Oml.Interactive.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException($"no Oml.Interactive.sln above {AppContext.BaseDirectory}");
    });

    public static string Path => Found.Value;
}
