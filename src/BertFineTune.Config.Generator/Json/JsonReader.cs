using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace BertFineTune.Config.Generator.Json;

/// <summary>Thrown for malformed JSON, with the 1-based position of the problem.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>
/// A small strict JSON (RFC 8259) reader. Analyzers run inside the compiler on netstandard2.0, where System.Text.Json
/// would have to be shipped beside the generator; a schema file is small, so a recursive-descent reader is enough.
/// </summary>
internal sealed class JsonReader
{
    private readonly string _text;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    private JsonReader(string text)
    {
        _text = text;
    }

    public static JsonValue Parse(string text)
    {
        var reader = new JsonReader(text);
        reader.SkipWhitespace();
        var value = reader.ReadValue(depth: 0);
        reader.SkipWhitespace();
        if (reader._position < text.Length)
        {
            throw reader.Error("Unexpected text after the end of the JSON document.");
        }

        return value;
    }

    private int Column => _position - _lineStart + 1;

    private JsonSyntaxException Error(string message) => new(message, _line, Column);

    private JsonValue ReadValue(int depth)
    {
        if (depth > 64)
        {
            throw Error("JSON nested deeper than 64 levels.");
        }

        if (_position >= _text.Length)
        {
            throw Error("Unexpected end of the JSON document.");
        }

        int line = _line, column = Column;
        switch (_text[_position])
        {
            case '{':
                return ReadObject(line, column, depth);
            case '[':
                return ReadArray(line, column, depth);
            case '"':
                return new JsonString(line, column, ReadString());
            case 't':
                ExpectWord("true");
                return new JsonBoolean(line, column, true);
            case 'f':
                ExpectWord("false");
                return new JsonBoolean(line, column, false);
            case 'n':
                ExpectWord("null");
                return new JsonNull(line, column);
            default:
                return ReadNumber(line, column);
        }
    }

    private JsonObject ReadObject(int line, int column, int depth)
    {
        _position++;
        var members = new List<JsonMember>();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return new JsonObject(line, column, members);
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("Expected a property name in double quotes.");
            }

            int nameLine = _line, nameColumn = Column;
            var name = ReadString();
            foreach (var existing in members)
            {
                if (existing.Name == name)
                {
                    throw new JsonSyntaxException($"Duplicate property '{name}'.", nameLine, nameColumn);
                }
            }

            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            members.Add(new JsonMember(name, nameLine, nameColumn, ReadValue(depth + 1)));
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect('}');
            return new JsonObject(line, column, members);
        }
    }

    private JsonArray ReadArray(int line, int column, int depth)
    {
        _position++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return new JsonArray(line, column, items);
        }

        while (true)
        {
            SkipWhitespace();
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }

            Expect(']');
            return new JsonArray(line, column, items);
        }
    }

    private string ReadString()
    {
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("Unterminated string.");
            }

            var c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < ' ')
            {
                throw Error("Control character in a string; escape it.");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                throw Error("Unterminated escape sequence.");
            }

            var escape = _text[_position++];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("Invalid \\u escape.");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw Error($"Invalid escape '\\{escape}'.");
            }
        }
    }

    private JsonNumber ReadNumber(int line, int column)
    {
        var start = _position;
        if (Peek() == '-')
        {
            _position++;
        }

        var digitsStart = _position;
        while (char.IsDigit(Peek()))
        {
            _position++;
        }

        if (_position == digitsStart)
        {
            throw Error($"Unexpected character '{Peek()}'.");
        }

        var isInteger = true;
        if (Peek() == '.')
        {
            isInteger = false;
            _position++;
            var fractionStart = _position;
            while (char.IsDigit(Peek()))
            {
                _position++;
            }

            if (_position == fractionStart)
            {
                throw Error("Expected digits after the decimal point.");
            }
        }

        if (Peek() is 'e' or 'E')
        {
            isInteger = false;
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }

            var exponentStart = _position;
            while (char.IsDigit(Peek()))
            {
                _position++;
            }

            if (_position == exponentStart)
            {
                throw Error("Expected digits in the exponent.");
            }
        }

        var text = _text.Substring(start, _position - start);
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new JsonNumber(line, column, text, value, isInteger);
    }

    private void ExpectWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw Error($"Unexpected character '{Peek()}'.");
        }

        _position += word.Length;
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error(_position >= _text.Length ? $"Expected '{c}' before the end of the document." : $"Expected '{c}', found '{Peek()}'.");
        }

        _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                _line++;
                _lineStart = _position + 1;
            }
            else if (c != ' ' && c != '\t' && c != '\r')
            {
                return;
            }

            _position++;
        }
    }
}
