#!/bin/bash

__ringctl_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__ringctl_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__ringctl_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__ringctl_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_ringctl() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __ringctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    members|watch|kv|resolve|ring|lookup|quorum|lag|decode|demo|forget|help)
        # Offer subcommand argument completions
        "_ringctl_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'members watch kv resolve ring lookup quorum lag decode demo forget help' -- "${cur}"))
        ;;
    esac
}

_ringctl_members() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --state)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --observe --node-name --bind-addr --bind-port --advertise-addr --advertise-port -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--observe')
        return
        ;;
    '--node-name')
        return
        ;;
    '--bind-addr')
        return
        ;;
    '--bind-port')
        return
        ;;
    '--advertise-addr')
        return
        ;;
    '--advertise-port')
        return
        ;;
    '--state')
        __ringctl_add_completions -W 'alive'$'\n''suspect'$'\n''dead'$'\n''left'$'\n''unknown'
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_ringctl_watch() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --node-name --bind-addr --bind-port --advertise-addr --advertise-port --for -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--node-name')
        return
        ;;
    '--bind-addr')
        return
        ;;
    '--bind-port')
        return
        ;;
    '--advertise-addr')
        return
        ;;
    '--advertise-port')
        return
        ;;
    '--for')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_ringctl_kv() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ringctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|get)
        # Offer subcommand argument completions
        "_ringctl_kv_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list get' -- "${cur}"))
        ;;
    esac
}

_ringctl_kv_list() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_ringctl_kv_get() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --raw --force --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout)
    __ringctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    esac
}

_ringctl_resolve() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--dns-server)
    non_repeating_options=(--timeout --tries -o --output)
    __ringctl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--dns-server')
        return
        ;;
    '--timeout')
        return
        ;;
    '--tries')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''plain'$'\n''json'
        return
        ;;
    esac
}

_ringctl_ring() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --zone-awareness --no-zone-awareness --tokens --check --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --key)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --from-file --heartbeat-timeout --stuck-after --at --replication-factor -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--from-file')
        return
        ;;
    '--key')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--stuck-after')
        return
        ;;
    '--at')
        return
        ;;
    '--replication-factor')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_ringctl_lookup() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --zone-awareness --no-zone-awareness --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --string --operation)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --hash --replication-factor --from-file --key --heartbeat-timeout --at -o --output)
    __ringctl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--string')
        return
        ;;
    '--hash')
        __ringctl_add_completions -W 'fnv1'$'\n''fnv1a'
        return
        ;;
    '--operation')
        return
        ;;
    '--replication-factor')
        return
        ;;
    '--from-file')
        return
        ;;
    '--key')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--at')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_ringctl_quorum() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --zone-awareness --no-zone-awareness --rollout --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --operation --down --down-zone)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --replication-factor --from-file --key --heartbeat-timeout --at -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--replication-factor')
        return
        ;;
    '--operation')
        return
        ;;
    '--down')
        return
        ;;
    '--down-zone')
        return
        ;;
    '--from-file')
        return
        ;;
    '--key')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--at')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_ringctl_lag() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --key)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --heartbeat --delta --heartbeat-timeout --worst --from-file --at -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--heartbeat')
        return
        ;;
    '--delta')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '--key')
        return
        ;;
    '--worst')
        return
        ;;
    '--from-file')
        return
        ;;
    '--at')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_ringctl_decode() {
    repeating_flags=()
    non_repeating_flags=(--hex --version -h --help)
    repeating_options=(--secret-key-file)
    non_repeating_options=(--as --cluster-label -memberlist.cluster-label --extract -o --output)
    __ringctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--as')
        __ringctl_add_completions -W 'auto'$'\n''dskit'$'\n''reply'$'\n''packet'$'\n''value'$'\n''state'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--extract')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_ringctl_demo() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--freeze --crash --leave --state --slow-gossip)
    non_repeating_options=(--nodes --zones --tokens --heartbeat --cluster-label --transport --base-port --ring-key --name-prefix -memberlist.gossip-interval -memberlist.gossip-nodes -memberlist.pullpush-interval -memberlist.retransmit-factor --probe-interval --probe-timeout --for -o --output)
    __ringctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--nodes')
        return
        ;;
    '--zones')
        return
        ;;
    '--tokens')
        return
        ;;
    '--heartbeat')
        return
        ;;
    '--cluster-label')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--base-port')
        return
        ;;
    '--ring-key')
        return
        ;;
    '--name-prefix')
        return
        ;;
    '-memberlist.gossip-interval')
        return
        ;;
    '-memberlist.gossip-nodes')
        return
        ;;
    '-memberlist.pullpush-interval')
        return
        ;;
    '-memberlist.retransmit-factor')
        return
        ;;
    '--probe-interval')
        return
        ;;
    '--probe-timeout')
        return
        ;;
    '--freeze')
        return
        ;;
    '--crash')
        return
        ;;
    '--leave')
        return
        ;;
    '--state')
        return
        ;;
    '--slow-gossip')
        return
        ;;
    '--for')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_ringctl_forget() {
    repeating_flags=()
    non_repeating_flags=(--config.expand-env -config.expand-env --cluster-label-verification-disabled --no-cluster-label-verification-disabled --tls --no-tls --tls-insecure-skip-verify --no-tls-insecure-skip-verify --unhealthy --force -y --yes --dry-run --version -h --help)
    repeating_options=(-j --join -memberlist.join --secret-key-file --dns-server --key)
    non_repeating_options=(--config.file -config.file --transport --cluster-label -memberlist.cluster-label --tls-cert-path -memberlist.tls-cert-path --tls-key-path -memberlist.tls-key-path --tls-ca-path -memberlist.tls-ca-path --tls-server-name -memberlist.tls-server-name --timeout --node-name --bind-addr --bind-port --advertise-addr --advertise-port --older-than --heartbeat-timeout -o --output)
    __ringctl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-j'|'--join'|'-memberlist.join')
        return
        ;;
    '--config.file'|'-config.file')
        return
        ;;
    '--transport')
        __ringctl_add_completions -W 'dskit'$'\n''memberlist'
        return
        ;;
    '--cluster-label'|'-memberlist.cluster-label')
        return
        ;;
    '--tls-cert-path'|'-memberlist.tls-cert-path')
        return
        ;;
    '--tls-key-path'|'-memberlist.tls-key-path')
        return
        ;;
    '--tls-ca-path'|'-memberlist.tls-ca-path')
        return
        ;;
    '--tls-server-name'|'-memberlist.tls-server-name')
        return
        ;;
    '--secret-key-file')
        return
        ;;
    '--timeout')
        return
        ;;
    '--dns-server')
        return
        ;;
    '--node-name')
        return
        ;;
    '--bind-addr')
        return
        ;;
    '--bind-port')
        return
        ;;
    '--advertise-addr')
        return
        ;;
    '--advertise-port')
        return
        ;;
    '--older-than')
        return
        ;;
    '--key')
        return
        ;;
    '--heartbeat-timeout')
        return
        ;;
    '-o'|'--output')
        __ringctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_ringctl_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __ringctl_offer_flags_options -1
}

complete -o filenames -F _ringctl ringctl
