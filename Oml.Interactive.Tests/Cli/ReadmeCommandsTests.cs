using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Oml.IO;

namespace Oml.Tests.Cli;

/// <summary>
/// Every <c>./oml …</c> line of README.md's code blocks runs as written, in README order, in a folder that has the
/// repository's <c>configs/</c>: on a small mock set (8 classes x 8 images of 32 px instead of the main job's), with
/// small overrides appended where a line would train long, and the README's placeholders replaced by what they stand
/// for (<c>&lt;run&gt;</c>: the run folder that an earlier line wrote). A line that cannot run is listed in
/// <see cref="IllustrationsOnly"/> with the reason; every other line must exit with code 0.
/// </summary>
public sealed partial class ReadmeCommandsTests : TempDirectoryTest
{
    /// <summary>Lines (as written in README.md, after joining continuations) that only illustrate, with the reason.</summary>
    private static readonly Dictionary<string, string> IllustrationsOnly = new(StringComparer.Ordinal)
    {
        ["./oml weights fetch vits16_dino"] = "downloads from the internet; CliWeightsTests runs it against a local server",
        ["./oml weights path vits16_dino"] = "exits 2 until the line above has run; CliWeightsTests runs both",
    };

    /// <summary>Appended to every line of a training verb, so a run is one short epoch on the small set.</summary>
    private static readonly Dictionary<string, string[]> ShortRuns = new(StringComparer.Ordinal)
    {
        ["train"] = ["max_epochs=1", "valid_period=1", "sampler.args.n_labels=4", "sampler.args.n_instances=4", "num_workers=0"],
        ["train-postprocessor"] = ["max_epochs=1", "valid_period=1", "freeze_n_epochs=0", "sampler.args.n_labels=4", "sampler.args.n_instances=4", "num_workers=0"],
    };

    [Fact]
    public void EveryOmlLineOfTheReadmeRunsAsWritten()
    {
        var lines = ReadmeOmlLines(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")));
        Assert.True(lines.Count >= 10, $"found only {lines.Count} ./oml lines in README.md");
        foreach (var listed in IllustrationsOnly.Keys) Assert.Contains(listed, lines);
        CopyDirectory(Path.Combine(RepositoryRoot.Path, "configs"), Dir.File("configs"));

        var runs = new List<string>(); // run folders in the order the lines made them
        var log = new StringBuilder();
        foreach (var line in lines.Where(l => !IllustrationsOnly.ContainsKey(l)))
        {
            foreach (var command in SplitCommands(line))
            {
                var args = Resolve(command, runs);
                log.Append("$ oml ").AppendJoin(' ', args).Append('\n');
                var before = RunFolders();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var result = CliRunner.Run(Dir.Path, TimeSpan.FromMinutes(5), args);
                log.Append(CultureInfo.InvariantCulture, $"  exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s\n");
                Assert.True(result.ExitCode == 0, $"README line failed: {line}\nran: oml {string.Join(' ', args)}\n{result.All}\n\nearlier:\n{log}");
                runs.AddRange(RunFolders().Except(before).Order(StringComparer.Ordinal));
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(log.ToString());
        Assert.Contains(runs, r => r.StartsWith("logs/mock/", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.StartsWith("logs/mock_postprocessor/", StringComparison.Ordinal));
    }

    /// <summary>The <c>./oml</c> lines inside ``` blocks, continuations (<c>\</c>) joined, a <c>$ </c> prompt and trailing comments removed.</summary>
    internal static List<string> ReadmeOmlLines(string readme)
    {
        var result = new List<string>();
        var inBlock = false;
        string? pending = null;
        foreach (var raw in readme.Split('\n'))
        {
            var text = raw.TrimEnd('\r');
            if (text.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                pending = null;
                continue;
            }
            if (!inBlock) continue;
            var line = pending is null ? text.Trim() : pending + " " + text.Trim();
            if (pending is null)
            {
                if (line.StartsWith("$ ", StringComparison.Ordinal)) line = line[2..];
                if (!line.StartsWith("./oml ", StringComparison.Ordinal)) continue;
            }
            if (line.EndsWith('\\'))
            {
                pending = line[..^1].TrimEnd();
                continue;
            }
            pending = null;
            result.Add(StripComment(line));
        }
        return result;
    }

    /// <summary>The commands of a line (<c>a &amp;&amp; b</c>), each as its arguments after <c>./oml</c>, split as a shell does.</summary>
    internal static IEnumerable<string[]> SplitCommands(string line)
    {
        var words = ShellWords(line);
        var current = new List<string>();
        foreach (var word in words.Append("&&"))
        {
            if (word != "&&")
            {
                current.Add(word);
                continue;
            }
            Assert.True(current.Count > 1 && current[0] == "./oml", $"not an ./oml command: {string.Join(' ', current)} (in: {line})");
            yield return current.Skip(1).ToArray();
            current = [];
        }
    }

    /// <summary>
    /// The placeholders and sizes of a command, replaced: the main job's mock set becomes 8 x 8 at 32 px; training
    /// verbs get <see cref="ShortRuns"/>; <c>&lt;run&gt;</c> is the newest run folder under the logs root it follows,
    /// <c>...</c> as a weights path the newest training run's <c>best.ckpt</c> (the form the README spells out),
    /// <c>my_oml_config.yaml</c> the config that run was trained with (its <c>config.yaml</c>), and <c>emb.npy</c>,
    /// <c>df.csv</c> of the evaluate example stand-ins the test writes (the validation rows and embeddings for them).
    /// </summary>
    private string[] Resolve(string[] command, List<string> runs)
    {
        string Newest(string logsRoot) =>
            runs.LastOrDefault(r => r.StartsWith(logsRoot + "/", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no earlier README line made a run under {logsRoot}");
        var args = command.ToList();
        if (args is ["dataset", "mock", ..])
        {
            SetOption(args, "--classes", "8");
            SetOption(args, "--per-class", "8");
            SetOption(args, "--size", "32");
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.EndsWith("=...", StringComparison.Ordinal)) arg = arg[..^3] + "logs/mock/<run>/checkpoints/best.ckpt";
            arg = RunPlaceholder().Replace(arg, m => Newest(m.Groups[1].Value));
            if (arg == "my_oml_config.yaml")
            {
                var resumed = args.FirstOrDefault(a => a.StartsWith("resume=", StringComparison.Ordinal));
                Assert.True(resumed is not null, "my_oml_config.yaml stands for the config of the run it resumes; this line resumes none");
                var runFolder = RunPlaceholder().Replace(resumed!["resume=".Length..], m => Newest(m.Groups[1].Value)).Split("/checkpoints/")[0];
                arg = $"{runFolder}/config.yaml";
            }
            args[i] = arg;
        }
        if (args is ["evaluate", ..] && args.Contains("emb.npy")) WriteEvaluateStandIns();
        if (ShortRuns.TryGetValue(args[0], out var shortRun))
        {
            args.AddRange(shortRun);
            if (args.Any(a => a.StartsWith("resume=", StringComparison.Ordinal))) args.Add("max_epochs=2"); // one epoch more than the run it continues
        }
        if (args.Any(a => a.Contains("data/mock/df_val.csv", StringComparison.Ordinal))) WriteValidationRows();
        var unresolved = args.FirstOrDefault(a => a.Contains("<run>", StringComparison.Ordinal) || a.Contains("...", StringComparison.Ordinal));
        Assert.True(unresolved is null, $"unresolved placeholder in '{unresolved}': resolve it here or list the line in IllustrationsOnly with the reason");
        return args.ToArray();
    }

    /// <summary>The README's <c>df_val.csv</c>: "the header and the validation rows of df_with_bboxes.csv".</summary>
    private void WriteValidationRows()
    {
        var csv = File.ReadAllLines(Dir.File("data/mock/df_with_bboxes.csv"));
        var split = Array.IndexOf(csv[0].Split(','), "split");
        File.WriteAllLines(Dir.File("data/mock/df_val.csv"), [csv[0], .. csv.Skip(1).Where(l => l.Split(',')[split] == "validation")]);
    }

    /// <summary><c>df.csv</c> (the validation rows) and <c>emb.npy</c> (seeded embeddings, one row each) for the evaluate example.</summary>
    private void WriteEvaluateStandIns()
    {
        WriteValidationRows();
        File.Copy(Dir.File("data/mock/df_val.csv"), Dir.File("df.csv"), overwrite: true);
        var rows = File.ReadAllLines(Dir.File("df.csv")).Length - 1;
        var random = new Random(3);
        var data = Enumerable.Range(0, rows * 8).Select(_ => (float)random.NextDouble()).ToArray();
        NpyFile.WriteMatrix(Dir.File("emb.npy"), new NpyArray(data, rows, 8));
    }

    private List<string> RunFolders()
    {
        var folders = new List<string>();
        foreach (var logsRoot in new[] { "logs/mock", "logs/mock_postprocessor" })
        {
            if (!Directory.Exists(Dir.File(logsRoot))) continue;
            folders.AddRange(Directory.GetDirectories(Dir.File(logsRoot))
                .Where(d => Directory.Exists(Path.Combine(d, "checkpoints")))
                .Select(d => $"{logsRoot}/{Path.GetFileName(d)}"));
        }
        return folders;
    }

    private static void SetOption(List<string> args, string option, string value)
    {
        var index = args.IndexOf(option);
        Assert.True(index >= 0 && index + 1 < args.Count, $"the mock line has no {option} (update the test)");
        args[index + 1] = value;
    }

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i].TrimEnd();
        }
        return line;
    }

    /// <summary>Words as a POSIX shell splits them: whitespace outside quotes; single and double quotes removed.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        Assert.True(quote == '\0', $"unclosed quote in: {line}");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary><c>logs/mock/&lt;run&gt;</c>, <c>logs/mock_postprocessor/&lt;run&gt;</c>: group 1 is the logs root.</summary>
    [GeneratedRegex(@"(logs/[A-Za-z0-9_]+)/<run>")]
    private static partial Regex RunPlaceholder();

    [Fact]
    public void TheExtractionJoinsContinuationsAndDropsPromptsAndComments()
    {
        const string readme = """
            text ./oml not in a block
            ```bash
            ./oml train a.yaml x=1        # a comment
            $ ./oml dataset check 'b c.csv'
            ./oml validate v.yaml w=... \
                'p={name: k, args: {t: "#1"}}'
            echo not oml
            ```
            """;
        var lines = ReadmeOmlLines(readme);
        Assert.Equal(["./oml train a.yaml x=1", "./oml dataset check 'b c.csv'", "./oml validate v.yaml w=... 'p={name: k, args: {t: \"#1\"}}'"], lines);
        Assert.Equal(["validate", "v.yaml", "w=...", "p={name: k, args: {t: \"#1\"}}"], SplitCommands(lines[2]).Single());
        Assert.Equal([["dataset", "mock", "d"], ["train", "c.yaml"]], SplitCommands("./oml dataset mock d && ./oml train c.yaml").ToArray());
    }
}
