using System.Net;
using BertFineTune.Diagnostics;

namespace BertFineTune.Hub;

/// <summary>Turns Hub HTTP failures into messages that say what to do. Never includes the token.</summary>
internal static class HubErrorMessages
{
    public static UserErrorException ForStatus(HttpStatusCode status, string? errorCode, HubRepoId repo, string revision, string file, Uri endpoint, bool hadToken)
    {
        var code = (int)status;
        if (errorCode == "GatedRepo" || (errorCode is null && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            var tokenAdvice = hadToken
                ? "The token that was sent has no access: accept the model's terms on its Hub page with that account, or use another token"
                : "No token was sent: accept the model's terms on its Hub page, then set HF_TOKEN (or credentials.huggingface_token in the config) to an access token";
            return new UserErrorException(
                HubErrors.Unauthorized,
                $"The Hub refused access to '{repo}' (HTTP {code}{(errorCode is null ? string.Empty : ", " + errorCode)}): it is gated or private. {tokenAdvice}.",
                key: "base_model.model_id");
        }

        if (errorCode == "RevisionNotFound")
        {
            return new UserErrorException(
                HubErrors.NotFound,
                $"Revision '{revision}' of '{repo}' was not found on {endpoint} (HTTP {code}). Check base_model.revision: a branch, tag or commit hash of the model.",
                key: "base_model.revision");
        }

        if (errorCode == "RepoNotFound" || status == HttpStatusCode.NotFound)
        {
            return new UserErrorException(
                HubErrors.NotFound,
                $"Model '{repo}' (revision '{revision}') was not found on {endpoint} (HTTP {code}, {errorCode ?? "not found"} for {file}). Check the spelling of the id and the revision; a private model also needs HF_TOKEN.",
                key: "base_model.model_id");
        }

        return new UserErrorException(
            HubErrors.HttpFailure,
            $"The Hub answered HTTP {code} for {file} of '{repo}'. Try again later, or set HF_HUB_OFFLINE=1 to use the cache only.",
            key: "base_model.model_id");
    }

    public static UserErrorException Unreachable(HubRepoId repo, Uri endpoint, string cacheRoot, Exception cause) =>
        new(
            HubErrors.Unreachable,
            $"Cannot reach the Hub at {endpoint} to download '{repo}' ({cause.Message}). Check the network or HF_ENDPOINT; "
            + $"or work offline with HF_HUB_OFFLINE=1, which uses only the cache at {cacheRoot} (copy a downloaded model there, or point base_model.model_id at a local folder).",
            key: "base_model.model_id");
}
