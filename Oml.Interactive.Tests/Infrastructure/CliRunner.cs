using System.Diagnostics;

namespace Oml.Tests.Infrastructure;

/// <summary>Runs the real <c>oml</c> command (Oml.Cli.dll next to the tests) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromMinutes(5), args);

    /// <summary>Starts the command without waiting (its output is discarded), e.g. to kill it part way.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = StartInfo(workingDirectory, Path.Combine(AppContext.BaseDirectory, "Oml.Cli.dll"), args);
        start.RedirectStandardOutput = false;
        start.RedirectStandardError = false;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    /// <summary>A first argument <c>--cli-dll=PATH</c> runs another copy of the CLI.</summary>
    public static Result Run(string workingDirectory, TimeSpan timeout, params string[] args) => Run(workingDirectory, timeout, null, args);

    public static Result Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Oml.Cli.dll");
        if (args.Length > 0 && args[0].StartsWith("--cli-dll=", StringComparison.Ordinal))
        {
            cli = args[0]["--cli-dll=".Length..];
            args = args[1..];
        }
        var start = StartInfo(workingDirectory, cli, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"oml {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, string cli, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        start.Environment["COLUMNS"] = "200";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        return start;
    }
}
