using Oml.Data;

namespace Oml.Cli;

/// <summary>How dataset problems and summaries look in the terminal.</summary>
public static class ConsoleReport
{
    public static void Problems(IAnsiConsole console, DatasetValidation validation)
    {
        foreach (var warning in validation.Warnings)
        {
            console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(warning.ToString()));
        }
        foreach (var error in validation.Errors)
        {
            console.MarkupLine("[red]error:[/] " + Markup.Escape(error.ToString()));
        }
    }

    public static void Summary(IAnsiConsole console, DatasetSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("");
        table.HideHeaders();
        foreach (var (name, value) in summary.Lines()) table.AddRow(Markup.Escape(name), Markup.Escape(value));
        console.Write(table);
    }
}
