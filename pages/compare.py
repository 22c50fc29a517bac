"""Compare areas (placeholder until its issue lands)."""
import streamlit as st

st.title("Compare areas")
st.info("This page is being built.")
