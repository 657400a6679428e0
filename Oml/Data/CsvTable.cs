using System.Text;

namespace Oml.Data;

/// <summary>
/// A CSV file as text cells (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF,
/// an optional UTF-8 BOM). Each record remembers the line on which it starts, for error messages.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(string source, IReadOnlyList<string> header, IReadOnlyList<CsvRecord> records)
    {
        Source = source;
        Header = header;
        Records = records;
    }

    /// <summary>File name (or other description) for messages.</summary>
    public string Source { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<CsvRecord> Records { get; }

    /// <summary>Column index by exact (trimmed) header name, or -1.</summary>
    public int ColumnIndex(string name)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (Header[i] == name) return i;
        }
        return -1;
    }

    public static CsvTable Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new OmlException($"{path}: file not found (working directory: {Environment.CurrentDirectory})");
        }
        return Parse(File.ReadAllText(path, Encoding.UTF8), path);
    }

    public static CsvTable Parse(string text, string source)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldWasQuoted = false;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void EndField()
        {
            fields.Add(fieldWasQuoted ? field.ToString() : field.ToString().Trim());
            field.Clear();
            fieldWasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            var blank = fields.Count == 1 && fields[0].Length == 0;
            if (!blank) records.Add(new CsvRecord(recordLine, fields.ToArray()));
            fields.Clear();
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }

            switch (c)
            {
                case '"' when field.ToString().Trim().Length == 0:
                    field.Clear();
                    inQuotes = true;
                    fieldWasQuoted = true;
                    break;
                case ',':
                    EndField();
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (inQuotes)
        {
            throw new OmlException($"{source}: line {recordLine}: a quoted field is not closed before the end of the file");
        }
        if (field.Length > 0 || fields.Count > 0) EndRecord();

        if (records.Count == 0) throw new OmlException($"{source}: the file is empty (expected a header line)");
        var header = records[0].Cells;
        return new CsvTable(source, header, records.Skip(1).ToArray());
    }

    /// <summary>Writes one CSV line, quoting cells that need it.</summary>
    public static string FormatLine(IEnumerable<string> cells) =>
        string.Join(",", cells.Select(Quote));

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 || cell != cell.Trim()
            ? "\"" + cell.Replace("\"", "\"\"") + "\""
            : cell;
}
