using System.Globalization;
using System.Text;

namespace Oml.Data.Sources;

/// <summary>Writes <c>labels.csv</c> (<c>label,class_name</c>), the mapping a dataset source keeps next to <c>df.csv</c>.</summary>
internal static class LabelNamesCsv
{
    public const string FileName = "labels.csv";

    public static string Write(string directory, IEnumerable<(long Label, string Name)> labels)
    {
        var text = new StringBuilder("label,class_name\n");
        foreach (var (label, name) in labels)
        {
            text.Append(CsvTable.FormatLine([label.ToString(CultureInfo.InvariantCulture), name])).Append('\n');
        }
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }
}
