using Microsoft.Data.Analysis;
using Oml.Analysis;

namespace Oml.Tests.Analysis;

public sealed class DataFrameViewTests
{
    [Theory]
    [InlineData(0.8551562500000003, "0.8552")]
    [InlineData(0.03878948837518692, "0.03879")]
    [InlineData(15.1865524, "15.19")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000123456, "0.0001235")]
    [InlineData(6.781412230338901E-05, "6.781E-05")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0")]
    [InlineData(1234567.0, "1.235E+06")]
    public void Floating_point_values_show_four_significant_digits(double value, string shown) =>
        Assert.Equal(shown, DataFrameView.Format(value));

    [Fact]
    public void The_table_shows_the_first_rows_with_nulls_empty_and_says_how_many_are_left_out()
    {
        var frame = new DataFrame(
            new Int32DataFrameColumn("epoch", Enumerable.Range(1, 30)),
            new DoubleDataFrameColumn("loss", Enumerable.Range(1, 30).Select(i => (double?)(i == 2 ? null : 1.0 / (3 * i)))),
            new StringDataFrameColumn("note", Enumerable.Range(1, 30).Select(i => i == 1 ? "a<b" : "")));
        var view = new DataFrameView(frame, maxRows: 3);

        var html = view.ToHtml();
        Assert.Equal(4, html.Split("<tr>").Length - 1);   // header + 3 rows
        Assert.Contains(">0.3333<", html);
        Assert.Contains(">0.1111<", html);
        Assert.Contains("a&lt;b", html);
        Assert.DoesNotContain("0.33333", html);
        Assert.Contains("3 of 30 rows shown", html);

        var text = view.ToString().Split('\n');
        Assert.Equal("epoch    loss  note", text[0].TrimEnd());
        Assert.Equal("1      0.3333   a<b", text[2].TrimEnd());
        Assert.Equal("2", text[3].TrimEnd());
    }
}
