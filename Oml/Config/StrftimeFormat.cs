using System.Globalization;
using System.Text;

namespace Oml.Config;

/// <summary>Python's <c>strftime</c> codes (as in Hydra's <c>${now:%Y-%m-%d_%H-%M-%S}</c>) applied to a .NET time.</summary>
public static class StrftimeFormat
{
    public static string Format(DateTime time, string pattern, string where)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%')
            {
                text.Append(pattern[i]);
                continue;
            }
            if (i + 1 >= pattern.Length) throw new OmlException($"{where}: '{pattern}' ends with a lone '%'");
            var code = pattern[++i];
            text.Append(code switch
            {
                'Y' => time.ToString("yyyy", culture),
                'y' => time.ToString("yy", culture),
                'm' => time.ToString("MM", culture),
                'd' => time.ToString("dd", culture),
                'H' => time.ToString("HH", culture),
                'I' => time.ToString("hh", culture),
                'M' => time.ToString("mm", culture),
                'S' => time.ToString("ss", culture),
                'f' => time.ToString("ffffff", culture),
                'p' => time.ToString("tt", culture),
                'b' => time.ToString("MMM", culture),
                'B' => time.ToString("MMMM", culture),
                'a' => time.ToString("ddd", culture),
                'A' => time.ToString("dddd", culture),
                'j' => time.DayOfYear.ToString("000", culture),
                '%' => "%",
                _ => throw new OmlException($"{where}: '%{code}' in '{pattern}' is not a supported strftime code; supported: %Y %y %m %d %H %I %M %S %f %p %b %B %a %A %j %%"),
            });
        }
        return text.ToString();
    }
}
