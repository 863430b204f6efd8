namespace BertFineTune.Hub;

/// <summary>
/// What a HEAD on <c>/{id}/resolve/{revision}/{file}</c> says about a file: the commit it belongs to, its ETag
/// (the git blob sha1, or the sha256 of an LFS file), its size, and the URL its bytes come from (a CDN for LFS files).
/// </summary>
internal sealed record HubFileMetadata(string Commit, string ETag, long? Size, Uri DownloadUrl)
{
    /// <summary>LFS files carry their sha256 as ETag, so their content can be verified.</summary>
    public bool IsSha256 => ETag.Length == 64 && ETag.All(Uri.IsHexDigit);

    /// <summary>Strips the weak marker and quotes: <c>W/"abc"</c> → <c>abc</c>.</summary>
    public static string NormalizeETag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }
}
