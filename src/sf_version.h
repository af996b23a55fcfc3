/*
 * sf_version.h: the one version string of the project, shown by
 * `synfilter --version` and by the module's $syndication_version.
 * Bumped together with CHANGES and debian/changelog.
 */

#ifndef SF_VERSION_H_INCLUDED
#define SF_VERSION_H_INCLUDED

#define SF_VERSION  "0.1.0"

#endif /* SF_VERSION_H_INCLUDED */
