# Rewrites the manual argument-parser's GenerateManual plugin writes (scripts/generate-docs runs this on it) into
# mdoc that `man --warnings` renders silently:
#   - an empty line (the plugin keeps the discussions' paragraph breaks) becomes .Pp;
#   - lines indented by two spaces (examples, tables) become one literal display each run, so man keeps their
#     layout instead of filling them into the paragraph;
#   - the root discussion's "Exit status (the same for every command):" table moves to the EXIT STATUS section,
#     which the plugin fills with `.Ex -std` ("exits 0 on success, and >0 if an error occurs").
function endliteral() {
  if (literal) { print ".Ed"; literal = 0 }
}
function paragraph() {
  endliteral()
  if (last != ".Pp") { print ".Pp"; last = ".Pp" }
}
function emit(line) { print line; last = line }
# groff escapes: a backslash is \e; a line must not open with . or ' (a request).
function escape(text) {
  # (the plugin already writes a backslash as \e)
  if (text ~ /^[.']/) text = "\\&" text
  return text
}
/^Exit status \(the same for every command\):$/ { endliteral(); table = 1; next }
table && /^  [0-9]+ / {
  codes[++count] = $1
  sub(/^  [0-9]+ +/, "")
  meanings[count] = $0
  next
}
table && /^      / { sub(/^ +/, ""); meanings[count] = meanings[count] " " $0; next }
table { table = 0 }
/^\.Ex -std$/ {
  endliteral()
  emit("Every command exits with one of:")
  emit(".Bl -tag -width 4n")
  for (i = 1; i <= count; i++) { emit(".It " codes[i]); emit(escape(meanings[i])) }
  emit(".El")
  next
}
/^$/ { paragraph(); next }
/^  / {
  if (!literal) { emit(".Bd -literal -offset indent"); literal = 1 }
  emit(escape(substr($0, 3)))
  next
}
{ endliteral(); emit($0) }
END { endliteral() }
