namespace Oml.Zoo;

/// <summary>
/// The folder where converted pretrained weights are kept between runs: <c>$OML_CACHE_DIR</c>, else
/// <c>$XDG_CACHE_HOME/oml</c>, else <c>~/.cache/oml</c>.
/// </summary>
public static class OmlCache
{
    public const string EnvironmentVariable = "OML_CACHE_DIR";

    public static string Directory
    {
        get
        {
            var own = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(own)) return Path.GetFullPath(own);
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "oml");
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "oml");
        }
    }

    /// <summary>The path of <paramref name="fileName"/> in the cache's <paramref name="subfolder"/>, which is created.</summary>
    public static string PathOf(string subfolder, string fileName)
    {
        var folder = Path.Combine(Directory, subfolder);
        try
        {
            System.IO.Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OmlException($"cannot create the cache folder {folder} ({e.Message}); set {EnvironmentVariable} to a writable folder");
        }
        return Path.Combine(folder, fileName);
    }
}
