using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Sync.Engine.Tests.Support;

/// <summary>Writes real XLSX workbooks (Open XML SDK) for connector tests.</summary>
internal static class Workbooks
{
    public static byte[] Create(params (string Sheet, object?[][] Rows)[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            uint sheetId = 1;
            foreach (var (name, rows) in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                foreach (var row in rows)
                {
                    var r = new Row();
                    foreach (object? value in row)
                    {
                        r.Append(value switch
                        {
                            null => new Cell(),
                            string s => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(s)) },
                            bool b => new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") },
                            double d => new Cell { CellValue = new CellValue(d) },
                            int i => new Cell { CellValue = new CellValue(i) },
                            _ => throw new ArgumentException($"Unsupported cell {value}"),
                        });
                    }

                    data.Append(r);
                }

                part.Worksheet = new Worksheet(data);
                workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = name });
            }

            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }
}
