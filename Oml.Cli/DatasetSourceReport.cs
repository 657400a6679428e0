using System.Diagnostics;
using Oml.Data;
using Oml.Data.Sources;

namespace Oml.Cli;

/// <summary>Runs a dataset source with a progress bar, then checks what it wrote and prints the summary.</summary>
public static class DatasetSourceReport
{
    public static int Run(IAnsiConsole console, string title, Func<Action<int, int>, DatasetSourceResult> source)
    {
        var clock = Stopwatch.StartNew();
        DatasetSourceResult? result = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title));
                result = source((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                });
                task.StopTask();
            });

        var written = result!;
        console.MarkupLine($"{Markup.Escape(title)}: {written.TotalImages} images ({written.TrainImages} train, {written.ValidationImages} validation; " +
                           $"{written.TrainClasses} + {written.ValidationClasses} classes) in {clock.Elapsed.TotalSeconds:0.0} s -> {Markup.Escape(written.OutputDirectory)}");
        foreach (var warning in written.Warnings) console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(warning));

        DatasetFrame? frame = null;
        foreach (var csv in written.CsvFiles)
        {
            var validation = DatasetFrame.Validate(csv);
            if (!validation.IsValid)
            {
                ConsoleReport.Problems(console, validation);
                throw new OmlException($"{csv} was written but is not a valid OML dataframe; this is a bug, please report it");
            }
            console.MarkupLine($"  {Markup.Escape(csv)} [green]valid[/]");
            if (csv == written.DataFrame) frame = DatasetFrame.FromValidation(validation, DatasetValidator.ResolveRoot(csv, new DatasetLoadOptions()));
        }
        ConsoleReport.Summary(console, frame!.Summarize()); // DataFrame is the first of CsvFiles
        return 0;
    }
}
